#!/usr/bin/env bash
# Builds kube-apiserver and kube-controller-manager v1.20.2 from Debian bookworm's `kubernetes`
# source package with Debian's Go, so integration tests get a REAL Kubernetes API server on a
# machine that has only Debian and PyPI (no Docker, no cluster, no Go module proxy).
# Steps and reasons: /work/shared/spec/k8s-api-semantics.md §1.
#
# Idempotent: when both binaries already sit in the cache, it only makes sure the runtime packages
# (etcd-server, openssl) are installed and prints the versions. The cache and the build tree live
# OUTSIDE the checkout, so a fresh clone on the same machine reuses the ~10 min build.
#
# Env:
#   PGSWARM_KUBE_CACHE       cache root (default /var/cache/pg-swarm/kube-v1.20.2); binaries in bin/
#   PGSWARM_KUBE_KEEP_BUILD  set to 1 to keep the ~2 GB build tree after a successful build
#
# Prints the binary directory as the last line of stdout, so callers can do
#   KUBE_BIN=$(scripts/build-kube.sh | tail -n1)
set -euo pipefail

readonly KUBE_VERSION="v1.20.2"
readonly CACHE="${PGSWARM_KUBE_CACHE:-/var/cache/pg-swarm/kube-${KUBE_VERSION}}"
readonly BIN_DIR="${CACHE}/bin"
readonly BUILD_DIR="${CACHE}/build"
readonly BINARIES=(kube-apiserver kube-controller-manager)
# A dpkg lock held by another apt run (a parallel `make deps`, unattended upgrades) must make us
# wait, not fail.
readonly APT_GET=(apt-get -o DPkg::Lock::Timeout=900)
readonly RUNTIME_PACKAGES=(etcd-server openssl)
readonly BUILD_PACKAGES=(golang-go rsync jq dpkg-dev make patch xz-utils
  golang-github-modern-go-reflect2-dev)

script_start=$(date +%s)
step_start=$script_start

log() { printf '[build-kube] %s\n' "$*" >&2; }

# Prints how long the step that just ended took, then starts the clock for the next one.
step_done() {
  local now
  now=$(date +%s)
  log "$1: $((now - step_start)) s (total $((now - script_start)) s)"
  step_start=$now
}

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "need root (or sudo) to run: $*"
    exit 1
  fi
}

# Installs only the packages that are missing, so a warm machine makes no apt call at all.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    return 0
  fi
  log "installing: ${missing[*]}"
  # A bare machine has empty package lists; refreshing them is cheap (~2 s) and only done when
  # something is actually missing.
  as_root "${APT_GET[@]}" update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive "${APT_GET[@]}" install -y -q --no-install-recommends \
    "${missing[@]}" >&2
}

have_all_binaries() {
  local name
  for name in "${BINARIES[@]}"; do
    [[ -x "${BIN_DIR}/${name}" ]] || return 1
  done
}

print_versions() {
  local name
  for name in "${BINARIES[@]}"; do
    printf '%s: %s (%s bytes)\n' "$name" "$("${BIN_DIR}/${name}" --version)" \
      "$(stat -c %s "${BIN_DIR}/${name}")" >&2
  done
}

# Fetches the source package through a PRIVATE deb-src list, package-list dir and cache, so the
# system's apt sources and lists are never modified.
fetch_source() {
  local apt_dir="${BUILD_DIR}/apt" src_dir="${BUILD_DIR}/src"
  mkdir -p "${apt_dir}/lists/partial" "${apt_dir}/cache/archives/partial" "${apt_dir}/parts.d" \
    "$src_dir"
  cat >"${apt_dir}/sources.list" <<'EOF'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
EOF
  local private=(
    -o "Dir::Etc::SourceList=${apt_dir}/sources.list"
    -o "Dir::Etc::SourceParts=${apt_dir}/parts.d"
    -o "Dir::State::Lists=${apt_dir}/lists"
    -o "Dir::Cache=${apt_dir}/cache"
    # The private dirs are root-owned; downloading as root avoids the _apt sandbox warning.
    -o "APT::Sandbox::User=root"
  )
  # apt-get source skips files that are already present with the right hash, so a retry after
  # an interrupted download only fetches what is missing.
  "${APT_GET[@]}" "${private[@]}" update -q >&2
  (cd "$src_dir" && "${APT_GET[@]}" "${private[@]}" source --download-only -q kubernetes >&2)
}

# Unpacks a fresh tree every time (a few seconds) so a half-built tree from an interrupted run
# never leaks into the result; the Go build cache is kept beside it to make a retry fast.
unpack_source() {
  local dsc
  dsc=$(compgen -G "${BUILD_DIR}/src/kubernetes_*.dsc" | head -n1)
  rm -rf "${BUILD_DIR}/tree"
  # apt-get already checked the files against the signed Sources index.
  dpkg-source --no-check -x "$dsc" "${BUILD_DIR}/tree" >&2
}

# The vendored reflect2 v1.0.1 breaks under Go >= 1.18 (map-iteration ABI change,
# modern-go/reflect2#24/#26), and json-iterator (used by apimachinery) depends on it.
swap_reflect2() {
  local debian_src=/usr/share/gocode/src/github.com/modern-go/reflect2
  local vendored="${BUILD_DIR}/tree/vendor/github.com/modern-go/reflect2"
  [[ -f "${debian_src}/reflect2.go" ]] || { log "missing ${debian_src}"; exit 1; }
  rm -rf "$vendored"
  mkdir -p "$vendored"
  cp -a "${debian_src}/." "$vendored/"
  find "$vendored" -name '*_test.go' -delete
  # Modules metadata would be ignored in GOPATH mode; removing it keeps the tree unambiguous.
  rm -f "${vendored}/go.mod" "${vendored}/go.sum"
}

# GOPATH mode, exactly like Debian's debian/rules (hack/lib/init.sh forces GO111MODULE=off);
# `go build -mod=vendor` fails with "updates to go.mod needed".
compile() {
  local tree="${BUILD_DIR}/tree" what=() name
  for name in "${BINARIES[@]}"; do what+=("cmd/${name}"); done
  mkdir -p "${tree}/.go/src/k8s.io" "${BUILD_DIR}/home" "${BUILD_DIR}/gocache"
  [[ -L "${tree}/.go/src/k8s.io/kubernetes" ]] || ln -s ../../.. "${tree}/.go/src/k8s.io/kubernetes"
  (
    cd "$tree"
    env -u GOFLAGS -u GOROOT \
      HOME="${BUILD_DIR}/home" \
      GOPATH="${tree}/.go" \
      GOCACHE="${BUILD_DIR}/gocache" \
      GOPROXY=off \
      CGO_ENABLED=0 \
      PATH="/usr/lib/go/bin:${PATH}" \
      make WHAT="${what[*]}" >&2
  )
}

# Copies each binary under a temporary name, checks it runs, then renames it into place, so an
# interrupted run never leaves a broken binary that the skip check would trust.
install_binaries() {
  local name out="${BUILD_DIR}/tree/_output/bin"
  mkdir -p "$BIN_DIR"
  for name in "${BINARIES[@]}"; do
    install -m 0755 "${out}/${name}" "${BIN_DIR}/.${name}.tmp"
    "${BIN_DIR}/.${name}.tmp" --version | grep -qx "Kubernetes ${KUBE_VERSION}" || {
      log "${name} does not report ${KUBE_VERSION}"
      exit 1
    }
    mv -f "${BIN_DIR}/.${name}.tmp" "${BIN_DIR}/${name}"
  done
}

main() {
  ensure_packages "${RUNTIME_PACKAGES[@]}"
  as_root mkdir -p "$CACHE"
  [[ -w "$CACHE" ]] || as_root chown "$(id -u):$(id -g)" "$CACHE"

  # Two `make deps` at once must not build twice into the same tree.
  exec 9>"${CACHE}/.lock"
  flock 9

  if have_all_binaries; then
    log "cached binaries in ${BIN_DIR}"
    print_versions
    echo "$BIN_DIR"
    return 0
  fi

  log "building ${BINARIES[*]} ${KUBE_VERSION} in ${BUILD_DIR} (about 10 min on 2 cores)"
  ensure_packages "${BUILD_PACKAGES[@]}"
  step_done "packages"
  fetch_source
  step_done "fetch source"
  unpack_source
  swap_reflect2
  step_done "unpack + reflect2 swap"
  compile
  step_done "compile"
  install_binaries
  step_done "install"

  # The binaries are static (CGO_ENABLED=0) copies, so nothing in the build tree is needed any
  # more; it is ~2 GB of sources, objects and Go cache.
  if [[ "${PGSWARM_KUBE_KEEP_BUILD:-0}" != 1 ]]; then
    rm -rf "$BUILD_DIR"
    step_done "cleanup"
  fi
  print_versions
  log "done in $(($(date +%s) - script_start)) s"
  echo "$BIN_DIR"
}

main "$@"
