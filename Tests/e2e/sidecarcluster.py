"""A pg-swarm cluster of real processes for end-to-end tests: per member a `failover-sidecar supervise`
process (running real PostgreSQL as its child) and a `failover-sidecar run` process, against a real
kube-apiserver. Each sidecar reaches the API server through its own TCP proxy (tcpproxy.py), which the
test can blackhole; the proxy speaks TLS to the API server (the sidecar's URLSession cannot trust a
private CA without changing the machine) and plain HTTP on loopback to the sidecar.

Layout per member, under one scratch folder (pgcluster.py's scheme: swept when its owner dies):
  <name>/volume (the data volume: pgdata/, conf/), <name>/template (postgresql.conf, pg_hba.conf),
  <name>/run (PostgreSQL's and the supervisor's sockets), supervisor.log, sidecar.log, kubeconfig.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from pgcluster import PREFIX, _chown, kill_servers_under, reserve_port, server_user, sweep_abandoned
from tcpproxy import TCPProxy

TEMPLATE_CONF = """
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
wal_log_hints = on
fsync = off
synchronous_commit = on
shared_buffers = 16MB
max_wal_size = 64MB
wal_keep_size = 256MB
wal_sender_timeout = 5s
wal_receiver_timeout = 5s
wal_receiver_status_interval = 1s
wal_retrieve_retry_interval = 500ms
logging_collector = off
log_line_prefix = '%m [%p] %q%a '
"""
# Clients and standbys by TCP from loopback; pg_rewind connects as the replication role over a normal
# connection; the pod's own processes use the Unix socket.
TEMPLATE_HBA = """local all all trust
host replication replicator 127.0.0.1/32 scram-sha-256
host all replicator 127.0.0.1/32 scram-sha-256
host all all 127.0.0.1/32 trust
"""
REPLICATION_PASSWORD = "e2e-repl-secret"


def wait_for(condition: Callable[[], Any], timeout: float, interval: float = 0.1, what: str = "condition") -> Any:
    """Polls `condition` until it returns something truthy; raises TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - a probe that fails is just "not yet"
            last_error = error
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout} s (last error: {last_error})")


class Member:
    def __init__(self, cluster: SidecarCluster, name: str) -> None:
        self.cluster = cluster
        self.name = name
        self.folder = cluster.folder / name
        self.port = reserve_port()
        self.status_port = reserve_port()
        self.proxy = TCPProxy("127.0.0.1", cluster.api_port, upstream_tls=cluster.kube.ssl_context())
        self.supervisor: subprocess.Popen | None = None
        self.sidecar: subprocess.Popen | None = None
        user = cluster.user
        for path in (self.folder, self.folder / "template", self.folder / "run", self.folder / "volume"):
            path.mkdir(mode=0o755, exist_ok=True)
            _chown(path, user)
        (self.folder / "template" / "postgresql.conf").write_text(TEMPLATE_CONF)
        (self.folder / "template" / "pg_hba.conf").write_text(cluster.hba)
        kubeconfig = {
            "apiVersion": "v1", "kind": "Config", "current-context": "e2e",
            "clusters": [{"name": "e2e", "cluster": {"server": f"http://127.0.0.1:{self.proxy.port}"}}],
            "users": [{"name": "admin", "user": {"token": cluster.kube.admin_token}}],
            "contexts": [{"name": "e2e", "context": {"cluster": "e2e", "user": "admin", "namespace": "default"}}],
        }
        (self.folder / "kubeconfig").write_text(json.dumps(kubeconfig))
        os.chmod(self.folder / "kubeconfig", 0o600)

    # Processes

    def start(self) -> None:
        self.start_supervisor()
        self.start_sidecar()

    def start_supervisor(self) -> None:
        argv = [str(self.cluster.binary), "supervise", "--volume-root", str(self.folder / "volume"),
                "--template-directory", str(self.folder / "template"), "--socket-directory", str(self.folder / "run"),
                "--node-name", self.name, "--port", str(self.port), "--listen-addresses", "127.0.0.1",
                "--shutdown-grace", "10"]
        if self.cluster.user:
            argv += ["--run-as", self.cluster.user]
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "REPLICATION_PASSWORD": REPLICATION_PASSWORD}
        self.supervisor = self._spawn(argv, env, "supervisor.log")

    def start_sidecar(self) -> None:
        lease, renew, retry, fence = self.cluster.timings
        argv = [str(self.cluster.binary), "run", "--pod-name", self.name, "--pod-namespace", "default",
                "--cluster-name", self.cluster.name, "--lease-duration", str(lease), "--renew-deadline", str(renew),
                "--retry-period", str(retry), "--fence-timeout", str(fence),
                "--postgres-socket-directory", str(self.folder / "run"), "--postgres-port", str(self.port),
                "--hba-file", str(self.folder / "volume" / "conf" / "pg_hba.conf"), "--advertise-host", "127.0.0.1",
                "--status-address", f"127.0.0.1:{self.status_port}",
                "--kubeconfig", str(self.folder / "kubeconfig"), "--log-level", self.cluster.log_level,
                "--synchronous-mode", "on" if self.cluster.synchronous else "off",
                "--handover-timeout", "3", *self.cluster.sidecar_args]
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(self.folder)}
        self.sidecar = self._spawn(argv, env, "sidecar.log")

    def _spawn(self, argv: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen:
        log = open(self.folder / log_name, "ab")  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                                   start_new_session=True)
        log.close()
        return process

    def postmaster_pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.folder / "volume" / "pgdata" / "postmaster.pid").read_text().split("\n", 1)[0])
        return None

    def kill_all(self) -> None:
        """Node loss: SIGKILL of the sidecar, the supervisor, the postmaster and all its backends at once."""
        postmaster = self.postmaster_pid()
        for process in (self.sidecar, self.supervisor):
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
        if postmaster:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(postmaster, signal.SIGKILL)
        for process in (self.sidecar, self.supervisor):
            if process is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(10)
        if postmaster:
            wait_for(lambda: not _alive(postmaster), 10, 0.02, f"{self.name}'s postmaster to die")

    def kill_postgres(self) -> int:
        """kill -9 of the postmaster and its backends only; returns the killed pid."""
        postmaster = self.postmaster_pid()
        assert postmaster, f"{self.name} runs no PostgreSQL"
        os.killpg(postmaster, signal.SIGKILL)
        return postmaster

    def terminate(self) -> None:
        """SIGTERM to the sidecar and the supervisor at once, as the kubelet does to a pod."""
        for process in (self.sidecar, self.supervisor):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)

    def wait_stopped(self, timeout: float = 30) -> None:
        for process in (self.sidecar, self.supervisor):
            if process is not None:
                process.wait(timeout)

    def stop(self) -> None:
        self.terminate()
        with contextlib.suppress(Exception):
            self.wait_stopped(15)
        self.kill_all()

    # Observation

    def status(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.status_port}/status", timeout=1) as response:
            return json.loads(response.read())

    def metrics(self) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.status_port}/metrics", timeout=1) as response:
            return response.read().decode()

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname} connect_timeout=2"

    def query(self, sql: str, *args: Any) -> list[tuple]:
        socket_dsn = f"host={self.folder / 'run'} port={self.port} user=postgres dbname=postgres connect_timeout=2"
        with psycopg.connect(socket_dsn, autocommit=True) as connection:
            return connection.execute(sql, args).fetchall()

    def is_streaming_from(self, leader: Member) -> bool:
        rows = self.query("SELECT status, sender_port FROM pg_stat_wal_receiver")
        return bool(rows) and rows[0][0] == "streaming" and rows[0][1] == leader.port

    def timeline(self) -> int:
        """The timeline the server writes (primary) or streams (standby); a rewound standby's checkpoint
        stays on the old timeline until its first restartpoint, so pg_control is not the source."""
        row = self.query(
            "SELECT CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver)"
            " ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END")[0][0]
        return int(row or 0)

    def log_tail(self, size: int = 3000) -> str:
        parts = []
        for name in ("sidecar.log", "supervisor.log", "volume/postgres.log"):
            with contextlib.suppress(OSError):
                parts.append(f"--- {self.name} {name}\n" + (self.folder / name).read_text(errors="replace")[-size:])
        return "\n".join(parts)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    return False


class SidecarCluster:
    """`size` members named <cluster>-0..; member 0 bootstraps, the others clone from the primary."""

    def __init__(self, kube: Any, binary: Path, size: int = 3, timings: tuple[float, float, float, float] = (5, 3, 1, 1),
                 synchronous: bool = False, log_level: str = "info", hba: str = TEMPLATE_HBA,
                 sidecar_args: tuple[str, ...] = ()) -> None:
        """`hba` replaces the template pg_hba.conf; `sidecar_args` are added to every `run` command line."""
        sweep_abandoned()
        self.hba = hba
        self.sidecar_args = sidecar_args
        self.kube = kube
        self.binary = binary
        self.timings = timings
        self.synchronous = synchronous
        self.log_level = log_level
        self.user = server_user()
        self.name = "e2e" + uuid.uuid4().hex[:8]
        self.api_port = int(kube.server.rsplit(":", 1)[1])
        self.folder = Path(tempfile.mkdtemp(prefix=PREFIX + "."))
        (self.folder / "owner.pid").write_text(f"{os.getpid()}\n")
        os.chmod(self.folder, 0o755)
        _chown(self.folder, self.user)
        self.members = [Member(self, f"{self.name}-{index}") for index in range(size)]
        for member in self.members:
            self._create_pod(member.name)

    def _create_pod(self, name: str) -> None:
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": name, "labels": {"pg-swarm.io/cluster": self.name}},
               "spec": {"containers": [{"name": "postgres", "image": "postgres:15"}]}}
        status, body = self.kube.request("POST", "/api/v1/namespaces/default/pods", pod)
        assert status == 201, body

    def start(self, timeout: float = 90) -> SidecarCluster:
        for member in self.members:
            member.start()
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 60, exclude: tuple[Member, ...] = ()) -> Member:
        """One writable primary holding the lease, every other member streaming from it on its timeline."""
        def healthy() -> Member | None:
            primary = self.primary()
            if primary is None:
                return None
            primary_timeline = primary.timeline()
            for member in self.members:
                if member is primary or member in exclude:
                    continue
                if not member.is_streaming_from(primary) or member.timeline() != primary_timeline:
                    return None
            return primary
        try:
            return wait_for(healthy, timeout, 0.1, "a healthy cluster")
        except TimeoutError:
            print(self.log_tails())
            raise

    def primary(self) -> Member | None:
        """The member whose sidecar holds the lease and whose PostgreSQL accepts a write over TCP."""
        for member in self.members:
            with contextlib.suppress(Exception):
                status = member.status()
                if status["holdsLease"] and status["role"] == "primary" and self.accepts_writes(member):
                    return member
        return None

    @staticmethod
    def accepts_writes(member: Member) -> bool:
        with psycopg.connect(member.dsn(), autocommit=True) as connection:
            return not connection.execute("SELECT pg_is_in_recovery()").fetchone()[0]

    def lease(self) -> dict[str, Any]:
        status, body = self.kube.request(
            "GET", f"/apis/coordination.k8s.io/v1/namespaces/default/leases/{self.name}-leader")
        assert status == 200, body
        return body

    def member_statuses(self) -> dict[str, dict[str, Any]]:
        status, body = self.kube.request(
            "GET", f"/apis/coordination.k8s.io/v1/namespaces/default/leases?labelSelector=pg-swarm.io/member")
        assert status == 200, body
        result = {}
        for item in body["items"]:
            annotation = item["metadata"].get("annotations", {}).get("pg-swarm.io/member-status")
            if annotation and item["metadata"]["labels"].get("pg-swarm.io/cluster") == self.name:
                document = json.loads(annotation)
                result[document["member"]] = document
        return result

    def pod_roles(self) -> dict[str, str | None]:
        status, body = self.kube.request("GET", f"/api/v1/namespaces/default/pods?labelSelector=pg-swarm.io/cluster={self.name}")
        assert status == 200, body
        return {item["metadata"]["name"]: item["metadata"]["labels"].get("pg-swarm.io/role") for item in body["items"]}

    def multihost_dsn(self, connect_timeout: int = 1) -> str:
        hosts = ",".join("127.0.0.1" for _ in self.members)
        ports = ",".join(str(member.port) for member in self.members)
        return (f"host={hosts} port={ports} user=postgres dbname=postgres target_session_attrs=read-write "
                f"connect_timeout={connect_timeout}")

    def log_tails(self) -> str:
        return "\n".join(member.log_tail() for member in self.members)

    def shutdown(self) -> None:
        for member in self.members:
            with contextlib.suppress(Exception):
                member.kill_all()
            member.proxy.close()
        kill_servers_under(self.folder)
        for member in self.members:
            self.kube.request("DELETE", f"/api/v1/namespaces/default/pods/{member.name}")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> SidecarCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
