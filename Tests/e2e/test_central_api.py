"""The built `central` binary against a real PostgreSQL: startup banner, auth, limits, and
schemathesis (a client we did not write) fuzzing the OpenAPI document: no 5xx, every response
conforms to the document."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from pgcluster import Cluster, reserve_port

VENV_BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"


@dataclass
class Central:
    url: str
    token: str
    process: subprocess.Popen
    output: list[str]


def request(method: str, url: str, token: str | None = None, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def central(bin_path, tmp_path_factory) -> Central:
    cluster = Cluster()
    key_file = tmp_path_factory.mktemp("central") / "key"
    key_file.write_text(secrets.token_hex(32) + "\n")
    port = reserve_port()
    process = subprocess.Popen(
        [str(bin_path / "central"), "--http-address", f"127.0.0.1:{port}", "--encryption-key-file", str(key_file),
         "--max-body-bytes", "65536", "--log-level", "warning"],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": cluster.primary.dsn()},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(iter(process.stdout.readline, "")), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    token = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and token is None:
        for line in list(output):
            if line.strip().startswith("pgs_"):
                token = line.strip()
        if process.poll() is not None:
            break
        time.sleep(0.1)
    try:
        assert token, "central did not print an admin token:\n" + "".join(output)
        yield Central(url, token, process, output)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        cluster.shutdown()


def test_startup_banner_names_dashboard_token_and_registration(central):
    text = "".join(central.output)
    assert f"serving on {central.url}/" in text
    assert "Admin API token (shown only now" in text
    assert "Register a satellite" in text


def test_probes_are_open_and_the_api_needs_a_token(central):
    assert request("GET", central.url + "/healthz")[0] == 200
    assert request("GET", central.url + "/readyz")[0] == 200
    status, headers, body = request("GET", central.url + "/api/v1/satellites")
    assert status == 401
    assert json.loads(body)["code"] == "unauthorized"
    assert request("GET", central.url + "/api/v1/satellites", token="pgs_" + "0" * 64)[0] == 401
    assert request("GET", central.url + "/metrics")[0] == 401
    status, _, body = request("GET", central.url + "/metrics", token=central.token)
    assert status == 200 and b"pgswarm_satellites" in body and b"pgswarm_http_request_duration_seconds" in body
    status, headers, body = request("GET", central.url + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")


def test_oversized_and_malformed_bodies_are_refused_and_nothing_is_stored(central):
    before = json.loads(request("GET", central.url + "/api/v1/storage-tiers", token=central.token)[2])
    big = json.dumps({"name": "x", "description": "y" * 100_000}).encode()
    status, _, body = request("POST", central.url + "/api/v1/storage-tiers", central.token, big)
    assert status == 413 and json.loads(body)["code"] == "payload_too_large"
    assert request("POST", central.url + "/api/v1/storage-tiers", central.token, b"{nope")[0] == 400
    assert request("POST", central.url + "/api/v1/storage-tiers", central.token, b'{"name": "a\'; DROP"}')[0] == 422
    after = json.loads(request("GET", central.url + "/api/v1/storage-tiers", token=central.token)[2])
    assert after == before


def test_openapi_document_lists_the_routes(central):
    status, _, body = request("GET", central.url + "/api/v1/openapi.json", token=central.token)
    assert status == 200
    document = json.loads(body)
    assert document["openapi"].startswith("3.")
    operations = sum(len(methods) for methods in document["paths"].values())
    assert operations >= 60
    assert "/api/v1/clusters/{id}/switchover" in document["paths"]


def test_schemathesis_finds_no_server_error_and_no_nonconforming_response(central, tmp_path):
    schema = tmp_path / "openapi.json"
    schema.write_bytes(request("GET", central.url + "/api/v1/openapi.json", token=central.token)[2])
    env = {k: v for k, v in os.environ.items() if not k.endswith("_CA_BUNDLE") and k != "SSL_CERT_FILE"}
    result = subprocess.run(
        [str(VENV_BIN / "st"), "run", str(schema), "--url", central.url,
         "-H", f"Authorization: Bearer {central.token}",
         "-c", "not_a_server_error,status_code_conformance,content_type_conformance,"
               "response_schema_conformance,response_headers_conformance",
         "--phases", "examples,coverage,fuzzing", "-n", os.environ.get("SCHEMATHESIS_EXAMPLES", "8"),
         # Streams never end; revoking tokens could revoke the one this run authenticates with
         # (schemathesis reuses ids it saw in responses). Both are covered by the Swift tests.
         "--exclude-path-regex", r"/(live|logs/stream)$", "--exclude-operation-id", "deleteTokensId", "--seed", os.environ.get("SCHEMATHESIS_SEED", "1"), "--workers", "1", "--generation-with-security-parameters", "false",
         "--request-timeout", "20", "--generation-allow-x00", "true"],
        capture_output=True, text=True, timeout=900, env=env, cwd=tmp_path)
    (Path(os.environ.get("ST_LOG", "/dev/null"))).write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
