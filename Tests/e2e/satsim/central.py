"""The built `central` binary as a child process for tests: its own database on a test
PostgreSQL server, loopback ports, a data folder (where its development CA goes), and a small
REST client."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pgcluster import Cluster, reserve_port

STARTUP_TIMEOUT_S = 60


@dataclass
class Central:
    process: subprocess.Popen
    http_port: int
    grpc_port: int
    token: str
    output: list[str] = field(default_factory=list)
    ca_file: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def ca(self) -> bytes | None:
        return self.ca_file.read_bytes() if self.ca_file else None

    def request(self, method: str, path: str, body=None, token: str | None = "admin") -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            req.add_header("Authorization", f"Bearer {self.token if token == 'admin' else token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            return error.code, json.loads(raw) if raw else None

    def get(self, path: str):
        status, body = self.request("GET", path)
        assert status == 200, (path, status, body)
        return body

    def post(self, path: str, body=None, expected: int | tuple[int, ...] = (200, 201, 202)):
        status, answer = self.request("POST", path, body if body is not None else {})
        expected = (expected,) if isinstance(expected, int) else expected
        assert status in expected, (path, status, answer)
        return answer

    def log(self) -> str:
        return "".join(self.output)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def create_database(cluster: Cluster) -> str:
    name = "central_" + uuid.uuid4().hex[:12]
    cluster.primary.tool("createdb", "-h", "127.0.0.1", "-p", str(cluster.primary.port), "-U", "postgres", name)
    return cluster.primary.dsn(dbname=name)


def start(binary: Path, cluster: Cluster, data_dir: Path, extra: tuple[str, ...] = ()) -> Central:
    """Starts central and waits for its banner (admin token, gRPC address, CA file)."""
    http_port, grpc_port = reserve_port(), reserve_port()
    process = subprocess.Popen(
        [str(binary), "--http-address", f"127.0.0.1:{http_port}", "--grpc-address", f"127.0.0.1:{grpc_port}",
         "--data-dir", str(data_dir), "--log-level", "info", *extra],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": create_database(cluster)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(iter(process.stdout.readline, "")), daemon=True).start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        text = "".join(output)
        if "grpc server listening" in text and "Register a satellite" in text:
            break
        time.sleep(0.05)
    text = "".join(output)
    token = next((line.strip() for line in output if line.strip().startswith("pgs_")), None)
    if token is None or "grpc server listening" not in text:
        process.kill()
        raise AssertionError("central did not start:\n" + text)
    found = re.search(r"through the CA certificate (\S+)", text)
    return Central(process, http_port, grpc_port, token, output, Path(found.group(1)) if found else None)
