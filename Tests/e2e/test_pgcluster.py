"""The pytest PostgreSQL fixture works: streaming standbys, crash, restart, no leftovers."""

import os
import subprocess

from pgcluster import bin_dir


def psql(node, sql: str, socket: bool = False) -> str:
    dsn = node.socket_dsn() if socket else node.dsn()
    out = subprocess.run([str(bin_dir() / "psql"), "-X", "-tA", "-d", dsn, "-c", sql], check=True,
                         capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


def wait_for(predicate, timeout: float = 30) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_standbys_stream_and_replay_writes(pg_cluster_factory):
    cluster = pg_cluster_factory(replicas=2)
    assert wait_for(lambda: psql(cluster.primary, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
                    == "2")
    psql(cluster.primary, "CREATE TABLE t AS SELECT generate_series(1, 10) AS v")
    for standby in cluster.nodes[1:]:
        assert psql(standby, "SELECT pg_is_in_recovery()") == "t"
        assert wait_for(lambda s=standby: psql(s, "SELECT count(*) FROM pg_class WHERE relname = 't'") == "1")
        assert psql(standby, "SELECT sum(v) FROM t") == "55"


def test_kill_nine_and_restart(pg_cluster_factory):
    cluster = pg_cluster_factory(replicas=0)
    node = cluster.primary
    pid = node.process.pid
    node.kill()
    assert not node.running
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive
    node.start()
    assert psql(node, "SELECT 1") == "1"


def test_shutdown_leaves_nothing_behind(pg_cluster_factory):
    cluster = pg_cluster_factory(replicas=1)
    pids = [n.process.pid for n in cluster.nodes]
    folder = cluster.folder
    cluster.shutdown()
    assert not folder.exists()
    for pid in pids:
        try:
            os.killpg(pid, 0)
            raise AssertionError(f"process group {pid} still alive")
        except ProcessLookupError:
            pass
