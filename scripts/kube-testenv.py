#!/usr/bin/env python3
"""A real Kubernetes API server (v1.20.2) + etcd on loopback, for tests. Python 3 stdlib only.

Binaries come from scripts/build-kube.sh (cache: $PGSWARM_KUBE_CACHE, default
/var/cache/pg-swarm/kube-v1.20.2/bin) and Debian's etcd-server. Flags and the observed API
behaviour: /work/shared/spec/k8s-api-semantics.md §1.

Every environment lives in a fresh 0700 scratch dir with free ports picked by binding to port 0,
so concurrent test processes never collide. Children run in their own process groups and are
stopped by PID (never by name). A tiny watchdog process tears the environment down when its
owner (the test process) dies, and every start sweeps dirs whose owner and watchdog are gone.

Module use (pytest):   env = kube_testenv.start(); ...; kube_testenv.stop(env.dir)
CLI use (Swift tests): kube-testenv.py start [--controller-manager] [--compaction-interval 5s]
                                             [--no-watch-cache] [--owner-pid PID]
                       -> prints a JSON object (server, ca_file, admin_token, limited_token,
                          kubeconfig, pids, dir, ...) and returns with the servers running.
                       kube-testenv.py stop <dir>     kube-testenv.py sweep
The CLI's owner defaults to its parent process: spawn it directly from the test runner (a
`sh -c` wrapper would be the owner and end the environment as soon as the shell exits), or pass
--owner-pid explicitly; --owner-pid 0 makes an environment that only an explicit `stop` ends.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

KUBE_VERSION = "v1.20.2"
DEFAULT_CACHE = f"/var/cache/pg-swarm/kube-{KUBE_VERSION}"
STATE_FILE = "state.json"
READY_TIMEOUT_S = 90.0
STOP_GRACE_S = 10.0
PORT_ATTEMPTS = 3  # a port picked by binding to 0 can be taken before the server binds it
WATCHDOG_POLL_S = 0.5
ORPHAN_DIR_AGE_S = 600.0  # a dir without state.json is only that young while being created
ADMIN_USER = "pg-swarm-test-admin"
LIMITED_USER = "pg-swarm-test-limited"
STOP_ORDER = ("controller_manager", "apiserver", "etcd", "watchdog")

_children: dict[int, subprocess.Popen] = {}  # reaped by stop() when started in this process


class KubeTestEnvError(RuntimeError):
    """The environment could not be started or stopped; the message carries the log tail."""


class _PortTaken(Exception):
    pass


@dataclass(frozen=True)
class KubeEnv:
    server: str
    ca_file: str
    admin_token: str
    admin_user: str
    limited_token: str
    limited_user: str
    kubeconfig: str
    limited_kubeconfig: str
    etcd_url: str
    dir: str
    pids: dict[str, int]
    controller_manager: bool
    startup_seconds: float

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    def ssl_context(self) -> ssl.SSLContext:
        """Trusts ONLY this environment's CA: SSL_CERT_FILE and friends are never consulted."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(cafile=self.ca_file)
        return ctx

    def request(self, method: str, path: str, body: Any = None, *, auth: str = "admin",
                token: str | None = None, content_type: str = "application/json",
                timeout: float = 10.0) -> tuple[int, Any]:
        """One API call as admin | limited | anonymous (or an explicit token) -> (status, body)."""
        if token is None:
            token = {"admin": self.admin_token, "limited": self.limited_token,
                     "anonymous": None}[auth]
        return _http(method, self.server + path, self.ssl_context(), token, body, content_type,
                     timeout)


# ---------------------------------------------------------------- process bookkeeping


def _start_time(pid: int) -> int | None:
    """Kernel start time of pid (guards against PID reuse), or None if it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return None if fields[0] in ("Z", "X") else int(fields[19])


def _alive(proc: dict[str, int] | None) -> bool:
    return bool(proc) and proc["start"] is not None and _start_time(proc["pid"]) == proc["start"]


def _identity(pid: int) -> dict[str, int] | None:
    start = _start_time(pid) if pid > 0 else None
    return {"pid": pid, "start": start} if start is not None else None


def _read_state(d: Path) -> dict[str, Any] | None:
    try:
        return json.loads((d / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def _write_state(d: Path, state: dict[str, Any]) -> None:
    tmp = d / (STATE_FILE + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(state, f)
    os.replace(tmp, d / STATE_FILE)


def _child_env(d: Path) -> dict[str, str]:
    # No proxy or CA-bundle variables: children only talk to each other over loopback.
    env = {k: os.environ[k] for k in ("PATH", "LANG", "TZ") if k in os.environ}
    env.setdefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
    env["HOME"] = str(d)
    return env


def _spawn(name: str, argv: list[str], d: Path, state: dict[str, Any]) -> subprocess.Popen:
    """Starts a daemon-style child: own session, no inherited stdio (a CLI caller reading our
    stdout to EOF must not wait for the servers), output in <dir>/<name>.log."""
    with open(d / f"{name}.log", "ab") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=_child_env(d), cwd=d,
                                start_new_session=True)
    _children[proc.pid] = proc
    state["procs"][name] = {"pid": proc.pid, "start": _start_time(proc.pid)}
    _write_state(d, state)
    return proc


def _terminate(procs: list[dict[str, int]], sig: int) -> None:
    for p in procs:
        if not _alive(p):
            continue
        try:
            # Each child leads its own group (start_new_session), so the group id is its pid.
            if os.getpgid(p["pid"]) == p["pid"]:
                os.killpg(p["pid"], sig)
            else:
                os.kill(p["pid"], sig)
        except ProcessLookupError:
            pass


def _wait_gone(procs: list[dict[str, int]], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if not any(_alive(p) for p in procs):
            # Children of this process are zombies now: reap them so none is left behind.
            for p in procs:
                child = _children.pop(p["pid"], None)
                if child is not None:
                    child.wait()
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def stop(directory: str | os.PathLike[str], grace: float = STOP_GRACE_S) -> None:
    """Stops every process recorded in the dir (SIGTERM, then SIGKILL) and removes the dir."""
    d = Path(directory)
    state = _read_state(d)
    if state is None and d.parent != _root():
        raise KubeTestEnvError(f"{d} is not a kube-testenv dir (no {STATE_FILE})")
    recorded = (state or {}).get("procs", {})
    # The watchdog stops the environment itself, so it must not signal its own group.
    procs = [recorded[n] for n in STOP_ORDER
             if recorded.get(n) and recorded[n]["pid"] != os.getpid()]
    _terminate(procs, signal.SIGTERM)
    if not _wait_gone(procs, grace):
        _terminate(procs, signal.SIGKILL)
        if not _wait_gone(procs, 5.0):
            raise KubeTestEnvError(f"processes survived SIGKILL: {procs}")
    shutil.rmtree(d, ignore_errors=True)


def _root() -> Path:
    base = os.environ.get("PGSWARM_KUBE_TMP") or tempfile.gettempdir()
    return Path(base) / f"pg-swarm-kube-{os.getuid()}"


def sweep_stale() -> list[str]:
    """Stops environments whose owner died and whose watchdog is not already cleaning up."""
    root, swept = _root(), []
    if not root.is_dir():
        return swept
    for d in sorted(root.glob("env-*")):
        state = _read_state(d)
        try:
            if state is None:
                if time.time() - d.stat().st_mtime > ORPHAN_DIR_AGE_S:
                    shutil.rmtree(d, ignore_errors=True)
                continue
            owner, watchdog = state.get("owner"), state.get("procs", {}).get("watchdog")
            if owner is None or _alive(owner) or _alive(watchdog):
                continue
            stop(d)
            swept.append(str(d))
        except (OSError, KubeTestEnvError) as err:
            # Someone else's leftovers must not fail this start; report and move on.
            print(f"kube-testenv: could not sweep {d}: {err}", file=sys.stderr)
    return swept


def _watchdog(directory: str) -> None:
    d = Path(directory)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while (state := _read_state(d)) is not None:
        if not _alive(state.get("owner")):
            stop(d)
            return
        time.sleep(WATCHDOG_POLL_S)


# ---------------------------------------------------------------- HTTP, ports, certificates


def _http(method: str, url: str, ctx: ssl.SSLContext | None, token: str | None, body: Any,
          content_type: str, timeout: float) -> tuple[int, Any]:
    # An empty ProxyHandler: *_proxy variables must never route loopback calls elsewhere.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=ctx))
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with opener.open(req, timeout=timeout) as resp:
            status, raw, ctype = resp.status, resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        status, raw, ctype = err.code, err.read(), err.headers.get("Content-Type", "")
    text = raw.decode("utf-8", "replace")
    return status, (json.loads(text) if "json" in ctype and text else text)


def _free_ports(count: int) -> list[int]:
    socks = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


_OPENSSL_CNF = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = pg-swarm-test
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer
subjectAltName = @san
[san]
IP.1 = 127.0.0.1
DNS.1 = localhost
DNS.2 = kubernetes
DNS.3 = kubernetes.default
DNS.4 = kubernetes.default.svc
"""


def _make_pki(d: Path) -> Path:
    """Private CA + serving cert (SAN 127.0.0.1, localhost) + service-account RSA key."""
    pki = d / "pki"
    pki.mkdir(mode=0o700)
    (pki / "openssl.cnf").write_text(_OPENSSL_CNF)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    steps = [
        ["req", "-x509", "-config", "openssl.cnf", "-extensions", "ca_ext", *ec,
         "-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-subj", "/CN=pg-swarm-test-ca"],
        ["req", "-new", "-config", "openssl.cnf", *ec, "-keyout", "server.key",
         "-out", "server.csr", "-subj", "/CN=kube-apiserver"],
        ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
         "-CAcreateserial", "-days", "30", "-extfile", "openssl.cnf", "-extensions", "server_ext",
         "-out", "server.crt"],
        ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key"],
        ["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"],
    ]
    for args in steps:
        done = subprocess.run(["openssl", *args], cwd=pki, env=_child_env(d),
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise KubeTestEnvError(f"openssl {args[0]} failed: {done.stderr.strip()}")
    return pki


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _kubeconfig(path: Path, server: str, ca: Path, user: str, token: str) -> None:
    q = json.dumps  # JSON strings are valid YAML scalars, so no escaping surprises
    _write_private(path, f"""apiVersion: v1
kind: Config
clusters:
- name: pg-swarm-test
  cluster: {{server: {q(server)}, certificate-authority: {q(str(ca))}}}
users:
- name: {q(user)}
  user: {{token: {q(token)}}}
contexts:
- name: pg-swarm-test
  context: {{cluster: pg-swarm-test, user: {q(user)}}}
current-context: pg-swarm-test
""")


# ---------------------------------------------------------------- servers


def find_binaries(controller_manager: bool = False) -> dict[str, str]:
    cache = Path(os.environ.get("PGSWARM_KUBE_CACHE") or DEFAULT_CACHE) / "bin"
    found = {
        "etcd": os.environ.get("PGSWARM_ETCD") or shutil.which("etcd") or "/usr/bin/etcd",
        "apiserver": os.environ.get("KUBE_APISERVER") or str(cache / "kube-apiserver"),
    }
    if controller_manager:
        found["controller_manager"] = (os.environ.get("KUBE_CONTROLLER_MANAGER")
                                       or str(cache / "kube-controller-manager"))
    missing = [p for p in found.values() if not os.access(p, os.X_OK)]
    if missing:
        raise KubeTestEnvError(f"missing {missing}: run scripts/build-kube.sh (make deps)")
    return found


def _log_tail(d: Path, name: str, lines: int = 25) -> str:
    try:
        return "\n".join((d / f"{name}.log").read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_ready(name: str, proc: subprocess.Popen, d: Path, probe: Callable[[], bool],
                deadline: float) -> None:
    delay = 0.05
    while True:
        if proc.poll() is not None:
            tail = _log_tail(d, name)
            if "address already in use" in tail:
                raise _PortTaken(name)
            raise KubeTestEnvError(f"{name} exited with {proc.returncode}:\n{tail}")
        try:
            if probe():
                return
        except (OSError, ValueError):
            pass  # not listening yet
        if time.monotonic() >= deadline:
            raise KubeTestEnvError(f"{name} not ready in time:\n{_log_tail(d, name)}")
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


def _launch(name: str, ports: int, argv_for: Callable[[list[int]], list[str]],
            probe_for: Callable[[list[int]], Callable[[], bool]], d: Path,
            state: dict[str, Any], deadline: float) -> list[int]:
    """Starts a server on fresh free ports, retrying when another process grabbed one first."""
    for _ in range(PORT_ATTEMPTS):
        picked = _free_ports(ports)
        proc = _spawn(name, argv_for(picked), d, state)
        try:
            _wait_ready(name, proc, d, probe_for(picked), deadline)
            return picked
        except _PortTaken:
            proc.wait()
            _children.pop(proc.pid, None)
    raise KubeTestEnvError(f"{name}: ports kept being taken after {PORT_ATTEMPTS} attempts")


def _etcd_argv(binary: str, d: Path, ports: list[int]) -> list[str]:
    client, peer = (f"http://127.0.0.1:{p}" for p in ports)
    return [binary, "--name=default", f"--data-dir={d / 'etcd'}",
            f"--listen-client-urls={client}", f"--advertise-client-urls={client}",
            f"--listen-peer-urls={peer}", f"--initial-advertise-peer-urls={peer}",
            f"--initial-cluster=default={peer}", "--logger=zap", "--log-level=warn"]


def _apiserver_argv(binary: str, d: Path, pki: Path, etcd_url: str, port: int,
                    compaction_interval: str | None, watch_cache: bool) -> list[str]:
    argv = [binary, f"--etcd-servers={etcd_url}",
            "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
            f"--secure-port={port}", "--insecure-port=0",  # 1.20 accepts only 0 here
            f"--cert-dir={d / 'apiserver-certs'}",
            f"--tls-cert-file={pki / 'server.crt'}", f"--tls-private-key-file={pki / 'server.key'}",
            f"--token-auth-file={d / 'tokens.csv'}", "--authorization-mode=RBAC",
            f"--service-account-key-file={pki / 'sa.pub'}",
            f"--service-account-signing-key-file={pki / 'sa.key'}",
            "--service-account-issuer=https://kubernetes.default.svc",
            "--service-cluster-ip-range=10.96.0.0/24",  # allocation pool only; no traffic
            "--endpoint-reconciler-type=none",
            # Without a controller-manager nobody creates the default ServiceAccount.
            "--disable-admission-plugins=ServiceAccount", "--profiling=false"]
    if compaction_interval:
        argv.append(f"--etcd-compaction-interval={compaction_interval}")
    if not watch_cache:
        argv.append("--watch-cache=false")
    return argv


def _controller_manager_argv(binary: str, d: Path, pki: Path, kubeconfig: Path,
                             port: int) -> list[str]:
    return [binary, f"--kubeconfig={kubeconfig}",
            f"--authentication-kubeconfig={kubeconfig}", f"--authorization-kubeconfig={kubeconfig}",
            "--bind-address=127.0.0.1", f"--secure-port={port}", "--port=0",
            f"--cert-dir={d / 'kcm-certs'}", "--leader-elect=false",
            f"--service-account-private-key-file={pki / 'sa.key'}",
            f"--root-ca-file={pki / 'ca.crt'}"]


def start(*, controller_manager: bool = False, compaction_interval: str | None = None,
          watch_cache: bool = True, owner_pid: int | None = None,
          ready_timeout: float = READY_TIMEOUT_S) -> KubeEnv:
    """Starts etcd + kube-apiserver (+ kube-controller-manager) and waits until they serve.

    owner_pid: the process whose death ends the environment (default: this process; 0: none).
    """
    began = time.monotonic()
    deadline = began + ready_timeout
    bins = find_binaries(controller_manager)
    sweep_stale()
    root = _root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    d = Path(tempfile.mkdtemp(prefix="env-", dir=root))
    owner = os.getpid() if owner_pid is None else owner_pid
    state: dict[str, Any] = {"owner": _identity(owner), "procs": {}}
    _write_state(d, state)
    try:
        if state["owner"] is not None:
            _spawn("watchdog", [sys.executable, os.path.abspath(__file__), "_watchdog", str(d)],
                   d, state)
        pki = _make_pki(d)
        tokens = {u: secrets.token_urlsafe(32) for u in (ADMIN_USER, LIMITED_USER, "kcm")}
        _write_private(d / "tokens.csv", "".join([
            f'{tokens[ADMIN_USER]},{ADMIN_USER},uid-admin,"system:masters"\n',
            f'{tokens[LIMITED_USER]},{LIMITED_USER},uid-limited,"pg-swarm:testers"\n',
            f'{tokens["kcm"]},system:kube-controller-manager,uid-kcm,"system:masters"\n']))
        etcd_ports = _launch(
            "etcd", 2, lambda p: _etcd_argv(bins["etcd"], d, p),
            lambda p: lambda: _http("GET", f"http://127.0.0.1:{p[0]}/health", None, None, None,
                                    "", 2.0)[0] == 200, d, state, deadline)
        etcd_url = f"http://127.0.0.1:{etcd_ports[0]}"
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.load_verify_locations(cafile=str(pki / "ca.crt"))

        def api_ready(p: list[int]) -> Callable[[], bool]:
            # /readyz covers etcd and the RBAC bootstrap; "default" appears a moment later.
            base, tok = f"https://127.0.0.1:{p[0]}", tokens[ADMIN_USER]
            return lambda: (_http("GET", base + "/readyz", ctx, tok, None, "", 2.0)[0] == 200
                            and _http("GET", base + "/api/v1/namespaces/default", ctx, tok,
                                      None, "", 2.0)[0] == 200)

        api_port = _launch(
            "apiserver", 1, lambda p: _apiserver_argv(bins["apiserver"], d, pki, etcd_url, p[0],
                                                      compaction_interval, watch_cache),
            api_ready, d, state, deadline)[0]
        server = f"https://127.0.0.1:{api_port}"
        kubeconfigs = {u: d / f"kubeconfig-{u}" for u in tokens}
        for user, path in kubeconfigs.items():
            _kubeconfig(path, server, pki / "ca.crt", user, tokens[user])
        if controller_manager:
            # The controller-manager serves its own self-signed cert on loopback; only its
            # liveness is probed here, so its certificate is not verified.
            insecure = ssl._create_unverified_context()
            _launch("controller_manager", 1,
                    lambda p: _controller_manager_argv(bins["controller_manager"], d, pki,
                                                       kubeconfigs["kcm"], p[0]),
                    lambda p: lambda: _http("GET", f"https://127.0.0.1:{p[0]}/healthz", insecure,
                                            None, None, "", 2.0)[0] == 200,
                    d, state, deadline)
        env = KubeEnv(
            server=server, ca_file=str(pki / "ca.crt"), admin_token=tokens[ADMIN_USER],
            admin_user=ADMIN_USER, limited_token=tokens[LIMITED_USER], limited_user=LIMITED_USER,
            kubeconfig=str(kubeconfigs[ADMIN_USER]),
            limited_kubeconfig=str(kubeconfigs[LIMITED_USER]), etcd_url=etcd_url, dir=str(d),
            pids={n: p["pid"] for n, p in state["procs"].items()},
            controller_manager=controller_manager,
            startup_seconds=round(time.monotonic() - began, 2))
        state["env"] = asdict(env)
        _write_state(d, state)
        return env
    except BaseException:
        stop(d)
        raise


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_start = sub.add_parser("start", help="start and print the environment as JSON")
    p_start.add_argument("--controller-manager", action="store_true")
    p_start.add_argument("--compaction-interval", metavar="DURATION",
                         help="etcd compaction interval, e.g. 5s (to provoke 410 Expired)")
    p_start.add_argument("--no-watch-cache", action="store_true")
    p_start.add_argument("--owner-pid", type=int, default=os.getppid(),
                         help="stop when this process dies (default: the parent; 0: never)")
    p_start.add_argument("--ready-timeout", type=float, default=READY_TIMEOUT_S)
    p_stop = sub.add_parser("stop", help="stop an environment and remove its dir")
    p_stop.add_argument("dir", nargs="?")
    p_stop.add_argument("--dir", dest="dir_opt")
    sub.add_parser("sweep", help="stop environments whose owner died")
    p_watch = sub.add_parser("_watchdog")
    p_watch.add_argument("dir")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            env = start(controller_manager=args.controller_manager,
                        compaction_interval=args.compaction_interval,
                        watch_cache=not args.no_watch_cache,
                        owner_pid=args.owner_pid if args.owner_pid > 1 else 0,
                        ready_timeout=args.ready_timeout)
            try:
                print(env.to_json(), flush=True)
            except OSError:
                stop(env.dir)  # nobody can learn the dir, so nobody could ever stop it
                raise
        elif args.command == "stop":
            target = args.dir or args.dir_opt
            if not target:
                parser.error("stop needs a dir")
            stop(target)
        elif args.command == "sweep":
            print(json.dumps(sweep_stale()))
        else:
            _watchdog(args.dir)
    except KubeTestEnvError as err:
        print(f"kube-testenv: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
