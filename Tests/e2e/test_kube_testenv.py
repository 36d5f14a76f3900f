"""Proves scripts/kube-testenv.py gives tests a real, isolated kube-apiserver that stops cleanly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kube_fixture import _SCRIPT, kube_testenv

LEASES = "/apis/coordination.k8s.io/v1/namespaces/default/leases"


def _eventually(check: Callable[[], Any], timeout: float = 60.0, interval: float = 0.5) -> Any:
    """Polls check() until it returns something truthy; bounded in time and count."""
    attempts = int(timeout / interval) + 1
    for _ in range(attempts):
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def _lease(name: str, holder: str) -> dict[str, Any]:
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": name},
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15,
                     "renewTime": "2024-01-01T00:00:00.000000Z"}}


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _gone(pids: dict[str, int]) -> bool:
    for pid in pids.values():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat[stat.rindex(")") + 2] not in "ZX":
            return False
    return True


def test_admin_creates_a_lease_and_a_stale_update_conflicts(kube_env: Any) -> None:
    name = _unique("leader")
    status, created = kube_env.request("POST", LEASES, _lease(name, "a"))
    assert status == 201, created
    assert created["metadata"]["uid"] and created["metadata"]["resourceVersion"]

    stale = created
    fresh = json.loads(json.dumps(created))
    fresh["spec"]["holderIdentity"] = "b"
    status, updated = kube_env.request("PUT", f"{LEASES}/{name}", fresh)
    assert status == 200, updated
    assert updated["metadata"]["resourceVersion"] != stale["metadata"]["resourceVersion"]

    stale["spec"]["holderIdentity"] = "c"
    status, conflict = kube_env.request("PUT", f"{LEASES}/{name}", stale)
    assert status == 409, conflict
    assert conflict["reason"] == "Conflict"

    status, duplicate = kube_env.request("POST", LEASES, _lease(name, "d"))
    assert (status, duplicate["reason"]) == (409, "AlreadyExists")


def test_limited_anonymous_and_unknown_tokens_are_refused(kube_env: Any) -> None:
    body = _lease(_unique("nope"), "x")
    status, forbidden = kube_env.request("POST", LEASES, body, auth="limited")
    assert (status, forbidden["reason"]) == (403, "Forbidden")
    assert kube_env.limited_user in forbidden["message"]

    status, _ = kube_env.request("GET", "/version", auth="limited")
    assert status == 200  # authenticated users may read public info

    status, anonymous = kube_env.request("POST", LEASES, body, auth="anonymous")
    assert status == 403, anonymous  # anonymous auth is on: 403, not 401

    status, unknown = kube_env.request("GET", LEASES, token="not-a-valid-token")
    assert status == 401, unknown


def test_environment_ignores_ca_bundle_variables(kube_env: Any, monkeypatch: Any) -> None:
    # A bundle that does not contain our CA must not matter: only env.ca_file is trusted.
    for var in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(var, "/etc/ssl/certs/ca-certificates.crt")
    status, ready = kube_env.request("GET", "/readyz")
    assert (status, ready) == (200, "ok")


def test_stop_leaves_no_process_and_no_dir() -> None:
    env = kube_testenv.start()
    assert set(env.pids) == {"watchdog", "etcd", "apiserver"}
    kube_testenv.stop(env.dir)
    assert _gone(env.pids)
    assert not Path(env.dir).exists()


def test_cli_start_and_stop_from_another_process() -> None:
    started = subprocess.run([sys.executable, str(_SCRIPT), "start"], capture_output=True,
                             text=True, timeout=120, check=True)
    env = json.loads(started.stdout)
    try:
        assert env["server"].startswith("https://127.0.0.1:")
        assert Path(env["kubeconfig"]).read_text().count(env["admin_token"]) == 1
        assert not _gone(env["pids"])
    finally:
        subprocess.run([sys.executable, str(_SCRIPT), "stop", env["dir"]], timeout=60, check=True)
    assert _gone(env["pids"])
    assert not Path(env["dir"]).exists()


def test_watchdog_stops_the_environment_when_its_owner_dies() -> None:
    owner = subprocess.Popen(["sleep", "300"])
    try:
        started = subprocess.run(
            [sys.executable, str(_SCRIPT), "start", "--owner-pid", str(owner.pid)],
            capture_output=True, text=True, timeout=120, check=True)
    finally:
        owner.kill()
        owner.wait()
    env = json.loads(started.stdout)
    _eventually(lambda: _gone(env["pids"]) and not Path(env["dir"]).exists(), timeout=30)


def test_compaction_makes_an_old_resource_version_expire(kube_env_factory: Any) -> None:
    env = kube_env_factory(compaction_interval="1s", watch_cache=False)
    status, lease = env.request("POST", LEASES, _lease("compacted", "a"))
    assert status == 201, lease
    old_rv = lease["metadata"]["resourceVersion"]
    for holder in ("b", "c", "d"):
        lease["spec"]["holderIdentity"] = holder
        status, lease = env.request("PUT", f"{LEASES}/compacted", lease)
        assert status == 200, lease

    def expired() -> bool:
        status, body = env.request(
            "GET", f"{LEASES}?resourceVersion={old_rv}&resourceVersionMatch=Exact")
        return status == 410 and body["reason"] == "Expired"

    _eventually(expired, timeout=30)


def test_controller_manager_creates_the_default_service_account(kube_env_factory: Any) -> None:
    env = kube_env_factory(controller_manager=True)
    assert "controller_manager" in env.pids
    _eventually(lambda: env.request(
        "GET", "/api/v1/namespaces/default/serviceaccounts/default")[0] == 200, timeout=60)


def test_only_the_shared_environment_is_still_running(kube_env: Any) -> None:
    # Every private environment above was stopped: the only servers this process still has as
    # children are the session environment's.
    me = os.getpid()
    children = Path(f"/proc/{me}/task/{me}/children").read_text().split()
    servers = {int(c) for c in children
               if Path(f"/proc/{c}/comm").exists()
               and Path(f"/proc/{c}/comm").read_text().strip() in
               {"etcd", "kube-apiserver", "kube-controller-manager"}}
    assert servers <= set(kube_env.pids.values()), servers
