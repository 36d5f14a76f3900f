# pg-swarm: every target that needs tools depends on `deps`, so `make run` and `make test` work on
# a bare machine. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := build
SWIFT ?= swift
VENV := .venv
PYTEST := $(VENV)/bin/pytest
# Generated protobuf code is swift-protobuf's formatting, not ours.
SWIFT_SOURCES = $(shell find Sources Tests -name '*.swift' -not -path '*/Generated/*') Package.swift

.PHONY: deps build test lint swift-test e2e-test run bench proto clean

deps:
	@bash scripts/deps.sh

build: deps
	$(SWIFT) build

lint:
	@swift-format lint --strict --parallel $(SWIFT_SOURCES) && echo "lint: clean"

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
	@# The sidecar as it ships: the Swift runtime linked statically (fewer pages mapped).
	$(SWIFT) build -c release --product failover-sidecar --static-swift-stdlib --scratch-path .build-static
	$(VENV)/bin/python scripts/failover-bench.py .build-static/release/failover-sidecar

proto:
	bash scripts/proto.sh

clean:
	-bash scripts/run-central.sh --stop-database
	rm -rf .build .build-* .build_* .bench
