"""Interop of our gRPC stack with Python grpcio, a peer we did not write (issue 3, acceptance).

Both directions (our client -> grpcio server, grpcio client -> our server), over h2c and over TLS
with a private CA and a hostname check (the certificate names only grpc.test.example; clients
dial 127.0.0.1 and verify that name). Every standard interop case, 8 MiB messages each way and
200 concurrent streams on one connection; then one bounded test of idle streams kept by keepalive.
"""

import concurrent.futures
import re

import pytest
from grpcinterop import pki, processes

CASES = "all,pgswarm_8mib_messages,pgswarm_200_concurrent_streams"
STANDARD_CASE_COUNT = 18


@pytest.fixture(scope="module")
def interop_bin(bin_path):
    binary = bin_path / "grpc-interop"
    assert binary.exists(), "build first: swift build --product grpc-interop"
    return binary


@pytest.fixture(scope="module")
def tls_pki(tmp_path_factory):
    return pki.generate(tmp_path_factory.mktemp("grpc-pki"))


def assert_all_passed(code, output, expected):
    passed = re.findall(r"^PASS (\S+)", output, re.MULTILINE)
    assert code == 0 and len(passed) == expected, output


@pytest.mark.parametrize("security", ["h2c", "tls"])
def test_our_client_against_grpcio_server(interop_bin, tls_pki, security):
    tls = tls_pki if security == "tls" else None
    with processes.grpcio_server(tls=tls) as server:
        code, output = processes.our_client(interop_bin, server.port, CASES, tls=tls)
    assert_all_passed(code, output, STANDARD_CASE_COUNT + 2)


@pytest.mark.parametrize("security", ["h2c", "tls"])
def test_grpcio_client_against_our_server(interop_bin, tls_pki, security):
    tls = tls_pki if security == "tls" else None
    with processes.our_server(interop_bin, tls=tls) as server:
        code, output = processes.grpcio_client(server.port, CASES, tls=tls)
    assert_all_passed(code, output, STANDARD_CASE_COUNT + 2)


def test_idle_bidi_streams_survive_60s_with_keepalive_both_ways(interop_bin, tls_pki):
    """Four streams idle for 60 s at once (each direction, h2c and TLS), PINGs every 10 s.

    Our client logs each acknowledged keepalive PING; our server logs each PING it accepted from
    grpcio. Both counts prove the connections were kept alive by PINGs, not merely left alone.
    """
    case, keepalive = "pgswarm_idle_stream_60s", ["--keepalive_ms", "10000"]
    debug = ["--log-level", "debug"]
    with processes.grpcio_server() as py_plain, processes.grpcio_server(tls=tls_pki) as py_tls, \
            processes.our_server(interop_bin, extra=debug) as our_plain, \
            processes.our_server(interop_bin, tls=tls_pki, extra=debug) as our_tls, \
            concurrent.futures.ThreadPoolExecutor(4) as pool:
        runs = [
            pool.submit(processes.our_client, interop_bin, py_plain.port, case, None, keepalive + debug, 120),
            pool.submit(processes.our_client, interop_bin, py_tls.port, case, tls_pki, keepalive + debug, 120),
            pool.submit(processes.grpcio_client, our_plain.port, case, None, keepalive, 120),
            pool.submit(processes.grpcio_client, our_tls.port, case, tls_pki, keepalive, 120),
        ]
        results = [run.result() for run in runs]
        our_plain.stop()
        our_tls.stop()
        server_logs = [our_plain.process.stderr.read(), our_tls.process.stderr.read()]
    for index, (code, output) in enumerate(results):
        assert code == 0 and f"PASS {case}" in output, f"run {index}: {output}"
        if index < 2:
            assert output.count("keepalive ping acknowledged") >= 4, output
    for log in server_logs:
        assert log.count("grpc ping received") >= 4, log
