"""Starting interop servers (ours or grpcio's) and running interop clients, all bounded in time."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

E2E = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 30


class Server:
    """A server process that printed `listening on port N`; stopped by its pid on exit."""

    def __init__(self, argv, env=None):
        self.process = subprocess.Popen(argv, cwd=E2E, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        env=env)
        self.port = self._wait_for_port()

    def _wait_for_port(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            found = re.search(r"listening on port (\d+)", line)
            if found:
                return int(found.group(1))
        self.stop()
        raise RuntimeError(f"server did not start: {self.process.stderr.read()}")

    @property
    def pid(self):
        return self.process.pid

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def python_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(E2E) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def grpcio_server(tls=None, extra=()):
    argv = [sys.executable, "-m", "grpcinterop.server", "--port", "0", *extra]
    if tls:
        argv += ["--use_tls", "--tls_cert", str(tls.certificate), "--tls_key", str(tls.key)]
    return Server(argv, env=python_env())


def our_server(binary, tls=None, extra=()):
    argv = [str(binary), "server", "--port", "0", "--max_receive_message_size", str(16 << 20),
            "--min_ping_interval_ms", "5000", *extra]
    if tls:
        argv += ["--use_tls", "--tls_cert", str(tls.certificate), "--tls_key", str(tls.key)]
    return Server(argv)


def tls_client_flags(tls):
    from .pki import SERVER_NAME
    return ["--use_tls", "--ca_file", str(tls.ca), "--server_host_override", SERVER_NAME] if tls else []


def run_client(argv, timeout, env=None):
    """Runs a client to completion; returns (exit code, stdout + stderr)."""
    result = subprocess.run(argv, cwd=E2E, capture_output=True, text=True, timeout=timeout, env=env)
    return result.returncode, result.stdout + result.stderr


def grpcio_client(port, cases, tls=None, extra=(), timeout=300):
    argv = [sys.executable, "-m", "grpcinterop.client", "--server_host", "127.0.0.1", "--server_port", str(port),
            "--test_case", cases, *tls_client_flags(tls), *extra]
    return run_client(argv, timeout, env=python_env())


def our_client(binary, port, cases, tls=None, extra=(), timeout=300):
    argv = [str(binary), "client", "--server_host", "127.0.0.1", "--server_port", str(port), "--test_case", cases,
            "--max_receive_message_size", str(16 << 20), *tls_client_flags(tls), *extra]
    return run_client(argv, timeout)
