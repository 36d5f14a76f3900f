# pg-swarm: every target that needs tools depends on `deps`, so `make run` and `make test` work on
# a bare machine. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := build
SWIFT ?= swift
VENV := .venv
PYTEST := $(VENV)/bin/pytest
# Generated protobuf code is swift-protobuf's formatting, not ours.
SWIFT_SOURCES = $(shell find Sources Tests -name '*.swift' -not -path '*/Generated/*') Package.swift

# The failover sidecar runs in every PostgreSQL pod, so its memory counts: its modules link
# FoundationEssentials only (the full Foundation brings CoreFoundation and ICU, ~7 MB resident).
SIDECAR_MODULES := ChildProcesses DaemonSupport Failover GRPC HTTP1 HTTP2 Kube PGSwarmAPI PGSwarmRPC \
	PosixThreads Postgres Sidecar Supervisor TextBasics Transport failover-sidecar
SIDECAR_SCRATCH := .build-static
# As it ships: Swift runtime and libstdc++ linked statically (only the pages used get mapped),
# identical functions folded where that is safe, no symbol table exported for dlopen, and the
# functions a sidecar runs placed side by side (one section per function, in the order of
# profiles/failover-sidecar.order, written by `make sidecar-profile`).
SIDECAR_FLAGS := -c release --product failover-sidecar --static-swift-stdlib --scratch-path $(SIDECAR_SCRATCH) \
	-Xlinker --icf=safe -Xlinker --no-export-dynamic -Xlinker -L$(CURDIR)/$(SIDECAR_SCRATCH)/static-cxx \
	-Xswiftc -Xfrontend -Xswiftc -function-sections \
	-Xlinker --section-ordering-file=$(CURDIR)/profiles/failover-sidecar.order \
	-Xlinker -Map=$(CURDIR)/$(SIDECAR_SCRATCH)/failover-sidecar.map

.PHONY: deps build test lint swift-test e2e-test run bench proto clean sidecar sidecar-profile

deps:
	@bash scripts/deps.sh

build: deps
	$(SWIFT) build

lint:
	@swift-format lint --strict --parallel $(SWIFT_SOURCES)
	@! grep -rnE '^(@preconcurrency )?(public |package |internal )?import (Foundation|FoundationNetworking)$$' \
		--exclude-dir=Generated $(addprefix Sources/,$(SIDECAR_MODULES)) \
		|| { echo "lint: the failover sidecar's modules import FoundationEssentials, not Foundation"; exit 1; }
	@echo "lint: clean"

swift-test: deps
	$(SWIFT) build --build-tests
	@# One test at a time: the suites start real servers (PostgreSQL, kube-apiserver) and the
	@# failover simulation is CPU-bound; run side by side on two cores they starve each other's
	@# deadlines. Serially the whole run takes about as long.
	$(SWIFT) test --skip-build --no-parallel

e2e-test: deps build
	$(PYTEST) -q Tests/e2e

test: deps lint swift-test e2e-test

run: deps build
	@bash scripts/run-central.sh

bench: deps
	$(SWIFT) build -c release --product pg-bench
	.build/release/pg-bench
	$(SWIFT) build -c release --product kube-bench
	.build/release/kube-bench
	$(SWIFT) build -c release --product grpc-bench
	.build/release/grpc-bench
	$(SWIFT) build -c release --product central
	$(SWIFT) build -c release --product central-bench
	.build/release/central-bench
	$(MAKE) sidecar
	$(VENV)/bin/python scripts/failover-bench.py $(SIDECAR_SCRATCH)/release/failover-sidecar

sidecar: deps
	@mkdir -p $(SIDECAR_SCRATCH)/static-cxx
	@# -lstdc++ (from the Swift runtime's link arguments) finds the archive here before the .so.
	@archive="$$(clang -print-file-name=libstdc++.a)"; \
		if [ -f "$$archive" ]; then ln -sf "$$archive" $(SIDECAR_SCRATCH)/static-cxx/libstdc++.a; fi
	@# SwiftPM does not recompile when only -Xfrontend flags change, so objects built with other
	@# flags (without -function-sections, say) are thrown away here.
	@stamp=$(SIDECAR_SCRATCH)/flags; \
		if [ "$$(cat $$stamp 2>/dev/null)" != "$(SIDECAR_FLAGS)" ]; then \
			rm -rf $(SIDECAR_SCRATCH)/x86_64-unknown-linux-gnu/release; echo "$(SIDECAR_FLAGS)" > $$stamp; fi
	@# SwiftPM does not know the link reads the order file: a newer one means link again.
	@binary=$(SIDECAR_SCRATCH)/release/failover-sidecar; \
		if [ profiles/failover-sidecar.order -nt "$$binary" ]; then rm -f "$$binary"; fi
	$(SWIFT) build $(SIDECAR_FLAGS)

# Needs valgrind; rerun when the sidecar's code changes much (stale names only cost memory).
sidecar-profile: sidecar
	$(VENV)/bin/python scripts/sidecar-profile.py $(SIDECAR_SCRATCH)/release/failover-sidecar \
		$(SIDECAR_SCRATCH)/failover-sidecar.map

proto:
	bash scripts/proto.sh

clean:
	-bash scripts/run-central.sh --stop-database
	rm -rf .build .build-* .build_* .bench
