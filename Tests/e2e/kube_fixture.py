"""pytest fixtures for a real kube-apiserver v1.20.2 on loopback (scripts/kube-testenv.py).

Use in a test module:  from kube_fixture import kube_env, kube_env_factory, kube_testenv
(or list "kube_fixture" in a conftest's pytest_plugins).

The binaries come from scripts/build-kube.sh (`make deps`). When they are missing the fixtures
FAIL, because in CI that means the build step broke; set PGSWARM_KUBE_SKIP_MISSING=1 to skip
instead on a workstation that has not built them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "kube-testenv.py"


def _load_testenv() -> Any:
    # The script's name has a hyphen (it is also a CLI), so it is loaded by path.
    if "kube_testenv" in sys.modules:
        return sys.modules["kube_testenv"]
    spec = importlib.util.spec_from_file_location("kube_testenv", _SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kube_testenv"] = module
    spec.loader.exec_module(module)
    return module


kube_testenv = _load_testenv()


def _start(**options: Any) -> Any:
    try:
        kube_testenv.find_binaries(options.get("controller_manager", False))
    except kube_testenv.KubeTestEnvError as err:
        if os.environ.get("PGSWARM_KUBE_SKIP_MISSING") == "1":
            pytest.skip(str(err))
        raise
    return kube_testenv.start(**options)


@pytest.fixture(scope="session")
def kube_env() -> Iterator[Any]:
    """One shared apiserver (no controllers) for the whole session: tests use unique names."""
    env = _start()
    try:
        yield env
    finally:
        kube_testenv.stop(env.dir)


@pytest.fixture
def kube_env_factory() -> Iterator[Callable[..., Any]]:
    """Starts private environments with options (controller_manager=True,
    compaction_interval="1s", watch_cache=False); all are stopped after the test."""
    started: list[Any] = []

    def make(**options: Any) -> Any:
        env = _start(**options)
        started.append(env)
        return env

    try:
        yield make
    finally:
        for env in started:
            kube_testenv.stop(env.dir)
