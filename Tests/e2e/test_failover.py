"""End to end: three members, each a `failover-sidecar supervise` (real PostgreSQL) plus a
`failover-sidecar run`, against the real kube-apiserver, each sidecar behind its own TCP proxy.

Throughout every scenario a write checker (writechecker.py) writes to every node every 50 ms and the
test asserts that no round ever saw two nodes accept a write. Short lease timings keep the file fast;
each wait is bounded.
"""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
from sidecarcluster import Member, SidecarCluster, wait_for
from writechecker import WriteChecker

# lease duration, renew deadline, retry period, fence timeout (seconds)
FAST = (5, 3, 1, 1)


@pytest.fixture(scope="module")
def sidecar_binary(bin_path: Path) -> Path:
    return bin_path / "failover-sidecar"


@pytest.fixture
def cluster_factory(kube_env, sidecar_binary):
    clusters: list[SidecarCluster] = []

    def make(**options) -> SidecarCluster:
        cluster = SidecarCluster(kube_env, sidecar_binary, **options)
        clusters.append(cluster)
        return cluster

    yield make
    for cluster in clusters:
        cluster.shutdown()


def checker_for(cluster: SidecarCluster) -> WriteChecker:
    return WriteChecker({member.name: member.dsn() for member in cluster.members})


def new_primary(cluster: SidecarCluster, old: Member, timeout: float) -> Member:
    def found() -> Member | None:
        primary = cluster.primary()
        return primary if primary is not None and primary is not old else None
    try:
        return wait_for(found, timeout, 0.05, "a new primary")
    except TimeoutError:
        print(cluster.log_tails())
        raise


def assert_one_writer_at_a_time(checker: WriteChecker, cluster: SidecarCluster) -> None:
    split = checker.split_brain_rounds()
    if split:
        print(cluster.log_tails())
    assert not split, f"two nodes accepted writes in one round: {split[:3]}"


def test_a_node_loss_fails_over_and_the_old_primary_rejoins(cluster_factory):
    cluster = cluster_factory(timings=FAST).start()
    old = cluster.wait_healthy()
    with checker_for(cluster) as checker:
        time.sleep(1)
        old.kill_all()
        new = new_primary(cluster, old, timeout=FAST[0] + 10)
        time.sleep(0.5)
    assert_one_writer_at_a_time(checker, cluster)
    assert checker.writers()[-1] == new.name
    assert cluster.lease()["spec"]["holderIdentity"] == new.name
    old.start()
    cluster.wait_healthy(60)
    assert old.timeline() == new.timeline() >= 2
    roles = cluster.pod_roles()
    assert [name for name, role in roles.items() if role == "primary"] == [new.name], roles


def test_b_a_crashed_postgres_restarts_in_place_without_failover(cluster_factory):
    cluster = cluster_factory(timings=FAST).start()
    primary = cluster.wait_healthy()
    timeline = primary.timeline()
    transitions = cluster.lease()["spec"].get("leaseTransitions", 0)
    with checker_for(cluster) as checker:
        time.sleep(1)
        primary.kill_postgres()
        wait_for(lambda: cluster.primary() is primary and cluster.accepts_writes(primary), 15, 0.05,
                 "the primary writable again")
        time.sleep(1)
    assert_one_writer_at_a_time(checker, cluster)
    assert set(checker.writers()) == {primary.name}, "no other member took writes"
    assert primary.timeline() == timeline
    assert cluster.lease()["spec"]["holderIdentity"] == primary.name
    assert cluster.lease()["spec"].get("leaseTransitions", 0) == transitions
    longest = max((end - start for start, end in checker.outages()), default=0)
    assert longest < 10, f"write outage {longest:.1f} s"
    cluster.wait_healthy(30)


def test_c_sigterm_hands_over_to_a_replica(cluster_factory):
    cluster = cluster_factory(timings=FAST).start()
    old = cluster.wait_healthy()
    with checker_for(cluster) as checker:
        time.sleep(1)
        old.terminate()
        new = new_primary(cluster, old, timeout=15)
        old.wait_stopped(30)
        time.sleep(0.5)
    assert_one_writer_at_a_time(checker, cluster)
    assert checker.writers()[-2:] == [old.name, new.name]
    lease = cluster.lease()
    assert lease["spec"]["holderIdentity"] == new.name
    assert old.supervisor.returncode == 0 and old.sidecar.returncode == 0
    old.start()
    cluster.wait_healthy(60)


def test_d_a_primary_cut_off_from_the_api_server_fences_itself_and_rejoins_after_healing(cluster_factory):
    cluster = cluster_factory(timings=FAST).start()
    old = cluster.wait_healthy()
    with checker_for(cluster) as checker:
        time.sleep(1)
        cut_at = time.monotonic()
        old.proxy.blackhole()
        new = new_primary(cluster, old, timeout=FAST[0] + 15)
        time.sleep(0.5)
    assert_one_writer_at_a_time(checker, cluster)
    last_old = max(r.started for r in checker.rounds if old.name in r.accepted)
    first_new = min(r.started for r in checker.rounds if new.name in r.accepted)
    assert last_old < first_new
    # The lease can expire for a peer no earlier than one lease duration after the cut.
    assert last_old - cut_at < FAST[0], f"old primary wrote {last_old - cut_at:.2f} s after the cut"
    with pytest.raises(psycopg.Error):
        with psycopg.connect(old.dsn(), autocommit=True) as connection:
            connection.execute("CREATE TABLE after_the_cut (v int)")
    sidecar_log = (old.folder / "sidecar.log").read_text()
    assert "fencing myself: I am " + old.name in sidecar_log, "the sidecar fenced its primary itself"
    print("supervisor:", [line for line in (old.folder / "supervisor.log").read_text().splitlines() if "watchdog" in line])
    old.proxy.heal()
    cluster.wait_healthy(60)
    assert old.timeline() == new.timeline() >= 2


def test_g_an_api_outage_shorter_than_the_renew_deadline_changes_nothing(cluster_factory):
    timings = (10, 7, 1, 1)
    cluster = cluster_factory(timings=timings).start()
    primary = cluster.wait_healthy()
    lease = cluster.lease()
    with checker_for(cluster) as checker:
        time.sleep(1)
        for member in cluster.members:
            member.proxy.blackhole()
        time.sleep(4)
        for member in cluster.members:
            member.proxy.heal()
        time.sleep(timings[2] * 3)
    assert_one_writer_at_a_time(checker, cluster)
    assert set(checker.writers()) == {primary.name}
    longest = max((end - start for start, end in checker.outages()), default=0)
    assert longest < 0.5, f"write outage of {longest:.2f} s"
    after = cluster.lease()
    assert after["spec"]["holderIdentity"] == primary.name
    assert after["spec"].get("leaseTransitions", 0) == lease["spec"].get("leaseTransitions", 0)
    assert primary.status()["fenced"] is False


def test_f_synchronous_mode_loses_no_acknowledged_write_over_ten_hard_kills(cluster_factory):
    cluster = cluster_factory(timings=(4, 2.5, 0.5, 0.5), synchronous=True).start()
    primary = cluster.wait_healthy()
    with checker_for(cluster) as checker:
        for round_number in range(10):
            wait_for(lambda p=primary: cluster.member_statuses()[p.name]["synchronousStandbys"], 30, 0.1,
                     f"a synchronous standby claim (round {round_number})")
            time.sleep(0.5)
            primary.kill_all()
            survivor = new_primary(cluster, primary, timeout=20)
            primary.start()
            cluster.wait_healthy(60)
            primary = survivor
        time.sleep(0.5)
    assert_one_writer_at_a_time(checker, cluster)
    acknowledged = [i for ids in checker.acknowledged.values() for i in ids]
    with psycopg.connect(primary.dsn(), autocommit=True) as connection:
        present = {row[0] for row in connection.execute("SELECT id FROM pgswarm_checker")}
    lost = [i for i in acknowledged if i not in present]
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged writes lost"
    assert len(acknowledged) > 100
