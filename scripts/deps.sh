#!/usr/bin/env bash
# Installs everything the build and the tests need on a bare Debian 12 machine (`make deps`).
# Idempotent and quick when nothing is missing: apt runs only for missing packages, pip only when
# Tests/e2e/requirements.txt changed, and the kube-apiserver build only when its cache is empty.
set -euo pipefail

repo_root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
readonly APT_GET=(apt-get -o DPkg::Lock::Timeout=900)
readonly PACKAGES=(
  libpq-dev libssl-dev zlib1g-dev libcurl4-openssl-dev   # C libraries we link
  postgresql postgresql-contrib                            # servers the tests start
  protobuf-compiler                                        # make proto
  python3 python3-venv openssl util-linux                  # test tooling; util-linux: setpriv
)

log() { printf '[deps] %s\n' "$*" >&2; }

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    log "need root (or sudo) to run: $*"; exit 1
  fi
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  as_root "${APT_GET[@]}" update -q
  as_root env DEBIAN_FRONTEND=noninteractive "${APT_GET[@]}" install -y -q --no-install-recommends "${missing[@]}"
fi
# Debian's postgresql package starts a cluster on 5432 we do not need; tests start their own.

venv="${repo_root}/.venv"
requirements="${repo_root}/Tests/e2e/requirements.txt"
stamp="${venv}/.requirements.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -x "${venv}/bin/python" ]] || [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  log "preparing ${venv}"
  python3 -m venv "$venv"
  "${venv}/bin/python" -m pip install -q --upgrade pip
  "${venv}/bin/python" -m pip install -q -r "$requirements"
  printf '%s\n' "$want" > "$stamp"
fi

# A real kube-apiserver for the Kubernetes tests (cached outside the checkout).
bash "${repo_root}/scripts/build-kube.sh" >/dev/null
log "ready"
