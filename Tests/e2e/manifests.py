"""Offline manifest checks: render with `kubectl kustomize` and validate with
`kubernetes-validate --strict` (both from PyPI, installed into .venv by `make deps`).

Use it for deploy/ and for the objects the operator produces:

    from manifests import check_kustomization, validate_objects, validate_yaml
    check_kustomization("deploy/overlays/edge")       # -> the rendered YAML, or ManifestError
    validate_objects([{"apiVersion": "v1", "kind": "Service", ...}])
    validate_yaml(open("objects.yaml").read())

or from a shell:  .venv/bin/python Tests/e2e/manifests.py deploy/overlays/edge other/dir

`--strict` rejects unknown fields (a misspelt `serviceNme`) and type errors, against the JSON
schemas bundled with kubernetes-validate. It does not do the API server's semantic checks
(name formats, minAvailable with maxUnavailable...): the conformance suite and the real
apiserver cover those. Objects are checked against the oldest and the newest Kubernetes
version we support, so a field that only exists in newer versions is caught too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Oldest and newest schema sets we check against (kubernetes-validate bundles 1.25-1.37).
VALIDATION_VERSIONS = ("1.25.0", "1.37.0")
TOOL_TIMEOUT_S = 120


class ManifestError(AssertionError):
    """Rendering or validation failed; the message carries the tool's own output."""


def _tool(name: str) -> str:
    # The tools live next to the interpreter running the tests (.venv/bin).
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    raise ManifestError(f"{name} not found next to {sys.executable}; run `make deps`")


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    # No inherited KUBECONFIG: `kubectl kustomize` must never reach a cluster.
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    return subprocess.run(argv, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, env=env,
                          stdin=subprocess.DEVNULL)


def render(directory: str | os.PathLike[str]) -> str:
    """`kubectl kustomize DIRECTORY`, offline."""
    done = _run([_tool("kubectl"), "kustomize", str(directory)])
    if done.returncode != 0:
        raise ManifestError(f"kubectl kustomize {directory} failed:\n{done.stderr.strip()}")
    return done.stdout


def validate_yaml(text: str, versions: Iterable[str] = VALIDATION_VERSIONS) -> list[str]:
    """Validates every document of a multi-document YAML (or JSON) text; returns the tool's
    per-resource "passed" lines, or raises ManifestError listing every failure."""
    if not text.strip():
        raise ManifestError("nothing to validate: the manifest is empty")
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        handle.write(text)
        path = handle.name
    try:
        passed: list[str] = []
        failures: list[str] = []
        for version in versions:
            done = _run([_tool("kubernetes-validate"), "--strict", "--no-warn", "-k", version, path])
            lines = (done.stdout + done.stderr).strip().splitlines()
            passed += [line for line in lines if " passed " in line]
            if done.returncode != 0:
                failures += [line for line in lines if " passed " not in line] or [f"exit {done.returncode}"]
        if failures:
            raise ManifestError("manifest validation failed:\n" + "\n".join(failures))
        return passed
    finally:
        os.unlink(path)


def validate_objects(objects: Iterable[dict[str, Any]],
                     versions: Iterable[str] = VALIDATION_VERSIONS) -> list[str]:
    """Validates objects given as dicts (e.g. what the operator produces, dumped as JSON)."""
    documents = [json.dumps(obj, sort_keys=True) for obj in objects]
    return validate_yaml("\n---\n".join(documents), versions)


def check_kustomization(directory: str | os.PathLike[str],
                        versions: Iterable[str] = VALIDATION_VERSIONS) -> str:
    """Renders a kustomization and validates the result; returns the rendered YAML."""
    rendered = render(directory)
    validate_yaml(rendered, versions)
    return rendered


def _main(argv: list[str]) -> int:
    if not argv:
        print("usage: manifests.py KUSTOMIZATION_DIR...", file=sys.stderr)
        return 2
    status = 0
    for directory in argv:
        try:
            check_kustomization(directory)
            print(f"ok: {directory}")
        except ManifestError as err:
            print(f"FAILED: {directory}\n{err}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
