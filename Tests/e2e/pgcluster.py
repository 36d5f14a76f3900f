"""PostgreSQL test clusters for pytest: a primary and N streaming standbys of the installed server.

Mirrors Sources/PostgresTestSupport (same layout, same port-lock scheme, so Swift and Python tests
never collide): every node has conf/ (postgresql.conf, pg_hba.conf), data/ (PGDATA), run/ (Unix
socket) and postgres.log under one mkdtemp folder that records its owner pid. Servers run as
`postgres` when the tests run as root, each in its own session, so kill -9 of the process group is
a pod-like crash. Folders of dead owners are swept by the next cluster that starts.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "pg-swarm-test"
PORT_LOCKS = Path("/tmp/pg-swarm-test-ports")
PORT_RANGE = (20000, 32000)
_held_port_locks: dict[int, int] = {}

BASE_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "wal_level": "replica",
    "max_wal_senders": "10",
    "max_replication_slots": "10",
    "hot_standby": "on",
    "wal_log_hints": "on",
    "fsync": "off",
    "shared_buffers": "16MB",
    "max_wal_size": "32MB",
    "min_wal_size": "4MB",
    "wal_keep_size": "0",
    "wal_sender_timeout": "30s",
    "wal_receiver_timeout": "30s",
    "wal_receiver_status_interval": "1s",
    "wal_retrieve_retry_interval": "500ms",
    "logging_collector": "off",
    "log_line_prefix": "'%m [%p] %q%a '",
}
DEFAULT_HBA = "local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n"


def bin_dir() -> Path:
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    majors = sorted(int(p) for p in os.listdir("/usr/lib/postgresql") if p.isdigit())
    return Path(f"/usr/lib/postgresql/{majors[-1]}/bin")


def server_user() -> str | None:
    return "postgres" if os.geteuid() == 0 else None


def _as_user(argv: list[str], user: str | None) -> list[str]:
    if user is None:
        return argv
    entry = pwd.getpwnam(user)
    return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups", "--", *argv]


def _chown(path: Path, user: str | None) -> None:
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def reserve_port() -> int:
    """A free loopback port, locked for this process's lifetime (shared scheme with Swift)."""
    PORT_LOCKS.mkdir(mode=0o1777, exist_ok=True)
    with contextlib.suppress(PermissionError):
        os.chmod(PORT_LOCKS, 0o1777)
    for _ in range(200):
        port = random.randint(*PORT_RANGE)
        fd = os.open(PORT_LOCKS / f"{port}.lock", os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                os.close(fd)
                continue
        _held_port_locks[port] = fd
        return port
    raise RuntimeError("no free loopback port")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def kill_servers_under(folder: Path) -> None:
    for pidfile in folder.glob("**/postmaster.pid"):
        with contextlib.suppress(Exception):
            pid = int(pidfile.read_text().split("\n", 1)[0])
            if pid > 1:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def sweep_abandoned() -> None:
    for folder in glob.glob(os.path.join(tempfile.gettempdir(), PREFIX + ".*")):
        owner_file = Path(folder, "owner.pid")
        try:
            owner = int(owner_file.read_text().strip())
        except (OSError, ValueError):
            continue
        if not _pid_alive(owner):
            kill_servers_under(Path(folder))
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Node:
    name: str
    folder: Path
    port: int
    user: str | None
    settings: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def conf(self) -> Path:
        return self.folder / "conf"

    @property
    def run(self) -> Path:
        return self.folder / "run"

    @property
    def hba(self) -> Path:
        return self.conf / "pg_hba.conf"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    def dsn(self, user: str = "postgres", dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={user} dbname={dbname}"

    def socket_dsn(self, user: str = "postgres", dbname: str = "postgres") -> str:
        return f"host={self.run} port={self.port} user={user} dbname={dbname}"

    def tool(self, name: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        argv = _as_user([str(bin_dir() / name), *args], self.user)
        return subprocess.run(argv, check=True, capture_output=True, text=True, timeout=timeout,
                              env={"PATH": f"{bin_dir()}:/usr/bin:/bin", "LANG": "C.UTF-8"})

    def make_folders(self) -> None:
        for path in (self.folder, self.conf, self.run):
            path.mkdir(mode=0o700, exist_ok=True)
            _chown(path, self.user)

    def write_config(self) -> None:
        settings = {**BASE_SETTINGS, **self.settings,
                    "data_directory": f"'{self.data}'", "hba_file": f"'{self.hba}'",
                    "ident_file": f"'{self.data}/pg_ident.conf'", "port": str(self.port),
                    "unix_socket_directories": f"'{self.run}'", "cluster_name": f"'{self.name}'"}
        conf = self.conf / "postgresql.conf"
        conf.write_text("".join(f"{k} = {v}\n" for k, v in sorted(settings.items())))
        if not self.hba.exists():
            self.hba.write_text(DEFAULT_HBA)
        for path in (conf, self.hba):
            os.chmod(path, 0o600)
            _chown(path, self.user)

    def initdb(self) -> None:
        self.make_folders()
        self.tool("initdb", f"--pgdata={self.data}", "--username=postgres", "--auth=trust", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--wal-segsize=1", "--no-sync", "--no-instructions", "--data-checksums")
        self.write_config()

    def basebackup_from(self, source: Node) -> None:
        self.make_folders()
        self.tool("pg_basebackup", f"--pgdata={self.data}", f"--dbname={source.dsn()}", "--wal-method=stream",
                  "--checkpoint=fast", "--write-recovery-conf", "--no-password")
        self.write_config()

    def start(self, timeout: float = 60) -> None:
        if self.running:
            return
        log = open(self.log, "ab")  # noqa: SIM115 - handed to the child
        argv = _as_user([str(bin_dir() / "postgres"), "-D", str(self.conf)], self.user)
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                        start_new_session=True, env={"LANG": "C.UTF-8"})
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited during start:\n{self.log_tail()}")
            ready = subprocess.run([str(bin_dir() / "pg_isready"), "-q", "-h", str(self.run), "-p", str(self.port)],
                                   check=False)
            if ready.returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready:\n{self.log_tail()}")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 60) -> None:
        if not self.running:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """kill -9 of the postmaster and all its backends at once."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.02)

    def log_tail(self, size: int = 4000) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-size:]
        return ""


class Cluster:
    """A primary (nodes[0]) and standbys; use as a context manager or call shutdown()."""

    def __init__(self, replicas: int = 0, settings: dict[str, str] | None = None) -> None:
        sweep_abandoned()
        self.user = server_user()
        self.folder = Path(tempfile.mkdtemp(prefix=PREFIX + "."))
        (self.folder / "owner.pid").write_text(f"{os.getpid()}\n")
        os.chmod(self.folder, 0o755)
        _chown(self.folder, self.user)
        self.nodes = [Node(f"node{i}", self.folder / f"node{i}", reserve_port(), self.user, dict(settings or {}))
                      for i in range(replicas + 1)]
        try:
            self.nodes[0].initdb()
            self.nodes[0].start()
            for node in self.nodes[1:]:
                node.basebackup_from(self.nodes[0])
                node.start()
        except BaseException:
            self.shutdown()
            raise

    @property
    def primary(self) -> Node:
        return self.nodes[0]

    def shutdown(self) -> None:
        for node in self.nodes:
            with contextlib.suppress(Exception):
                node.kill()
        kill_servers_under(self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
