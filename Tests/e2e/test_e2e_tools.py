"""The end-to-end tools themselves work and can fail: the TCP proxy and the write checker."""

import socket
import threading
import time

import psycopg
from tcpproxy import TCPProxy
from writechecker import WriteChecker


def echo_server() -> tuple[socket.socket, int]:
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=lambda c=conn: [c.sendall(d) for d in iter(lambda: c.recv(4096), b"")],
                             daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return server, server.getsockname()[1]


def test_proxy_forwards_blackholes_and_heals():
    server, port = echo_server()
    proxy = TCPProxy("127.0.0.1", port)
    try:
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=2) as conn:
            conn.sendall(b"ping")
            assert conn.recv(4) == b"ping"
            proxy.blackhole()
            conn.sendall(b"lost")
            conn.settimeout(0.5)
            try:
                data = conn.recv(4)
                assert data == b"", "nothing may cross a blackholed link"
            except TimeoutError:
                pass
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=2) as held:
            held.settimeout(0.5)
            held.sendall(b"void")
            try:
                assert held.recv(4) == b""
            except TimeoutError:
                pass
        proxy.heal()
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=2) as conn:
            conn.sendall(b"back")
            assert conn.recv(4) == b"back"
    finally:
        proxy.close()
        server.close()


def test_checker_sees_one_writer_and_flags_two(pg_cluster_factory):
    single = pg_cluster_factory(replicas=1)
    dsns = {n.name: n.dsn() for n in single.nodes}
    with WriteChecker(dsns) as checker:
        time.sleep(1)
    assert checker.rounds and not checker.split_brain_rounds()
    assert checker.writers() == ["node0"], "a standby never accepts writes"
    assert len(checker.acknowledged["node0"]) >= 5

    # Two independent primaries: the checker must flag it (proves the invariant check can fail).
    other = pg_cluster_factory(replicas=0)
    both = {"a": single.primary.dsn(), "b": other.primary.dsn()}
    with WriteChecker(both) as checker:
        time.sleep(1)
    assert checker.split_brain_rounds()
    with psycopg.connect(other.primary.dsn()) as connection:
        count = connection.execute("SELECT count(*) FROM pgswarm_checker").fetchone()[0]
    assert count == len(checker.acknowledged["b"])
