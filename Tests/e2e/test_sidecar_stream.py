"""The failover sidecar's stream to its satellite (issue 5), end to end: two real `failover-sidecar run`
processes (with their supervisors and PostgreSQL, against the real kube-apiserver) dial a satellite written
with Python grpcio (sidecarsatellite.py). Checks the identity and bearer token, heartbeats, every command's
result on the primary and the refusals on the replica, create database with hostile names and a password that
logs in, the satellite's fence holding against the election until its unfence, events sent until acknowledged
(again on every new stream), a failover's events (promotion, and the old primary rewound or rebuilt), a replica
too far behind refusing to take over and reporting the blocked failover once, and that a dead satellite changes
nothing for the cluster. One cluster for the whole file; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time
from pathlib import Path

import psycopg
import pytest
from sidecarcluster import SidecarCluster, wait_for
from grpcinterop import pki
from sidecarsatellite import FakeSatellite

# Replication as before; the superuser by trust (the harness's probes); everyone else by password, so that
# the password create_database sets is what lets its role in.
HBA = """local all all trust
host replication replicator 127.0.0.1/32 scram-sha-256
host all replicator 127.0.0.1/32 scram-sha-256
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
"""
HOSTILE_DATABASE = 'app"; DROP DATABASE postgres; --\'x'
HOSTILE_USER = "o'wner\"; DROP ROLE postgres;"
PASSWORD = "pa'ss\"; word-" + secrets.token_hex(8)


@pytest.fixture(scope="module")
def stream_setup(kube_env, bin_path: Path, tmp_path_factory):
    token = secrets.token_hex(24)
    token_file = tmp_path_factory.mktemp("stream") / "token"
    token_file.write_text(token + "\n")
    token_file.chmod(0o644)
    satellite = FakeSatellite(token)
    cluster = SidecarCluster(
        kube_env, bin_path / "failover-sidecar", size=2, hba=HBA,
        sidecar_args=("--satellite-address", f"127.0.0.1:{satellite.port}",
                      "--sidecar-stream-token-file", str(token_file)))
    try:
        cluster.start(timeout=90)
        primary = cluster.wait_healthy(60)
        replica = next(member for member in cluster.members if member is not primary)
        yield satellite, cluster, primary, replica, token
    finally:
        cluster.shutdown()
        satellite.stop()


def test_identity_token_and_heartbeats(stream_setup):
    satellite, cluster, primary, replica, token = stream_setup
    for member in (primary, replica):
        stream = satellite.wait_stream(member.name)
        assert stream.first_payload == "identity"
        assert stream.authorization == f"Bearer {token}"
        assert stream.identity.cluster_name == cluster.name
        assert stream.identity.namespace == "default"
        assert stream.identity.sidecar_version and len(stream.identity.session_id) == 36
    primary_role, replica_role = 1, 2  # INSTANCE_ROLE_PRIMARY, INSTANCE_ROLE_REPLICA
    satellite.wait(lambda: any(b.role == primary_role and b.holds_lease and b.postgres_running and not b.fenced
                               for b in satellite.stream_of(primary.name).heartbeats), 20, "a primary heartbeat")
    satellite.wait(lambda: any(b.role == replica_role and not b.holds_lease and b.postgres_running
                               and b.timeline_id >= 1 for b in satellite.stream_of(replica.name).heartbeats),
                   20, "a replica heartbeat")
    assert satellite.rejected_authorizations == []


def test_status_checkpoint_and_reload_on_the_primary(stream_setup):
    satellite, _, primary, _, _ = stream_setup
    status = satellite.command(primary.name, lambda c: c.status.SetInParent())
    assert status.success and not status.in_recovery and status.holds_lease and not status.is_fenced
    assert status.current_wal_lsn > 0 and status.timeline_id >= 1 and not status.HasField("received_lsn")
    for build in (lambda c: c.checkpoint.SetInParent(), lambda c: c.reload_conf.SetInParent()):
        result = satellite.command(primary.name, build)
        assert result.success and result.error_code == 0, result


def test_create_database_with_hostile_names(stream_setup):
    satellite, _, primary, _, _ = stream_setup

    def create(command):
        command.create_database.db_name = HOSTILE_DATABASE
        command.create_database.db_user = HOSTILE_USER
        command.create_database.password = PASSWORD

    first = satellite.command(primary.name, create, timeout=60)
    assert first.success, first
    second = satellite.command(primary.name, create, timeout=60)
    assert second.success, second
    owner = primary.query("SELECT r.rolname, r.rolcanlogin, r.rolsuper FROM pg_database d "
                          "JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = %s", HOSTILE_DATABASE)
    assert owner == [(HOSTILE_USER, True, False)]
    assert primary.query("SELECT count(*) FROM pg_database WHERE datname = 'postgres'") == [(1,)]
    assert primary.query("SELECT count(*) FROM pg_roles WHERE rolname = 'postgres'") == [(1,)]
    with psycopg.connect(host="127.0.0.1", port=primary.port, user=HOSTILE_USER, password=PASSWORD,
                         dbname=HOSTILE_DATABASE, connect_timeout=3) as connection:
        assert connection.execute("SELECT current_user, current_database()").fetchone() == (
            HOSTILE_USER, HOSTILE_DATABASE)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host="127.0.0.1", port=primary.port, user=HOSTILE_USER, password="wrong",
                        dbname=HOSTILE_DATABASE, connect_timeout=3).close()

    def superuser(command):
        command.create_database.db_name = "stolen"
        command.create_database.db_user = "postgres"
        command.create_database.password = "reset-the-superuser"

    refused = satellite.command(primary.name, superuser)
    assert not refused.success and refused.error_code == 3  # REJECTED


def test_replica_refuses_what_only_a_lease_holder_may_do(stream_setup):
    satellite, cluster, primary, replica, _ = stream_setup

    def create(command):
        command.create_database.db_name = "on_replica"
        command.create_database.db_user = "on_replica"
        command.create_database.password = "x-" + secrets.token_hex(4)

    for build in (create, lambda c: c.promote.SetInParent(), lambda c: c.unfence.SetInParent()):
        result = satellite.command(replica.name, build)
        assert not result.success and result.error_code == 3, result  # REJECTED
        assert result.in_recovery and not result.holds_lease
    assert replica.query("SELECT pg_is_in_recovery()") == [(True,)]
    assert cluster.primary() is primary
    promote_on_primary = satellite.command(primary.name, lambda c: c.promote.SetInParent())
    assert promote_on_primary.error_code == 3 and not promote_on_primary.in_recovery


def test_fence_with_drain_lets_open_sessions_finish_first(stream_setup):
    satellite, cluster, primary, _, _ = stream_setup
    with psycopg.connect(primary.dsn(), autocommit=True) as session:
        stream = satellite.wait_stream(primary.name)
        command = satellite.pb.SidecarCommand(request_id="drain-1")
        command.fence.drain_timeout_ms = 6000
        stream.outgoing.put(command)

        def refused() -> bool:
            try:
                psycopg.connect(primary.dsn()).close()
            except psycopg.OperationalError:
                return True
            return False

        wait_for(refused, 5, 0.05, "new sessions refused while the fence drains")
        assert session.execute("SELECT 1").fetchone() == (1,), "an open session may finish during the drain"
        result = satellite.wait(lambda: stream.results.get("drain-1"), 30, "the drained fence's result")
        assert result.success and result.is_fenced, result
        with pytest.raises(psycopg.OperationalError):
            session.execute("SELECT 1")
    unfenced = satellite.command(primary.name, lambda c: c.unfence.SetInParent())
    assert unfenced.success and not unfenced.is_fenced
    wait_for(lambda: cluster.accepts_writes(primary), 10, what="writes after the unfence")


def test_fence_holds_until_the_satellite_unfences(stream_setup):
    satellite, cluster, primary, _, _ = stream_setup
    fenced = satellite.command(primary.name, lambda c: c.fence.SetInParent())
    assert fenced.success and fenced.is_fenced and fenced.holds_lease, fenced
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(primary.dsn()).close()
    # The election would lift a holder's fence within a retry period (1 s here): the satellite's holds.
    time.sleep(3)
    still = satellite.command(primary.name, lambda c: c.status.SetInParent())
    assert still.is_fenced and still.holds_lease
    unfenced = satellite.command(primary.name, lambda c: c.unfence.SetInParent())
    assert unfenced.success and not unfenced.is_fenced, unfenced
    assert wait_for(lambda: cluster.accepts_writes(primary), 10, what="writes after the unfence")


def test_set_log_level(stream_setup):
    satellite, _, _, replica, _ = stream_setup
    log = replica.folder / "sidecar.log"
    before = log.stat().st_size

    def level(command):
        command.set_log_level.level = 2  # LOG_LEVEL_DEBUG
        command.set_log_level.target = 2  # LOG_LEVEL_TARGET_SIDECARS

    assert satellite.command(replica.name, level).success
    wait_for(lambda: " debug " in log.read_bytes()[before:].decode(errors="replace"), 10,
             what="debug lines after SetLogLevel")


def test_status_port_and_logs(stream_setup):
    satellite, cluster, primary, replica, token = stream_setup
    status = primary.status()
    assert status["satelliteConnected"] is True and status["satelliteCommands"] >= 5
    wait_for(lambda: primary.status()["eventsWaiting"] == 0, 10, what="every event acknowledged")
    assert primary.status()["eventsDropped"] == 0
    metrics = primary.metrics()
    assert "pgswarm_sidecar_satellite_connected{" in metrics and "pgswarm_sidecar_events_waiting{" in metrics
    for member in (primary, replica):
        for name in ("sidecar.log", "supervisor.log", "volume/postgres.log"):
            path = member.folder / name
            log = path.read_text(errors="replace") if path.exists() else ""
            assert token not in log and PASSWORD not in log, f"secret in {member.name}'s {name}"


LEASE_ACQUIRED, PRIMARY_FENCED, PRIMARY_UNFENCED = 20, 22, 23


def test_events_are_sent_until_acknowledged(stream_setup):
    satellite, cluster, primary, _, _ = stream_setup

    def events_of(pod: str) -> list:
        return [m for s in satellite.streams if s.identity and s.identity.pod_name == pod for m in s.events]

    # The election's own event: the primary won the lease when the cluster formed (acknowledged on receipt).
    won = satellite.wait(lambda: [m for m in events_of(primary.name) if m.event.type == LEASE_ACQUIRED], 20,
                         "the primary's lease event")[0]
    assert won.seq >= 1 and won.event.id and won.event.pod_name == primary.name
    assert won.event.cluster_name == cluster.name and won.event.namespace == "default"
    assert won.event.origin == 3 and won.event.source == "election"  # COMPONENT_SIDECAR
    assert primary.name in won.event.message and won.event.timestamp.seconds > 0

    # Unacknowledged events are sent again on the next stream, with the same seq and id.
    satellite.ack_events = False
    first = satellite.wait_stream(primary.name)
    before = len(first.events)
    assert satellite.command(primary.name, lambda c: c.fence.SetInParent()).success
    assert satellite.command(primary.name, lambda c: c.unfence.SetInParent()).success
    wait_for(lambda: cluster.accepts_writes(primary), 10, what="writes after the unfence")

    def fence_events() -> list | None:
        found = [m for m in first.events[before:] if m.event.type in (PRIMARY_FENCED, PRIMARY_UNFENCED)]
        return found if len(found) >= 2 else None

    pending = satellite.wait(fence_events, 10, "the fence and unfence events")
    assert [m.event.type for m in pending] == [PRIMARY_FENCED, PRIMARY_UNFENCED]
    assert pending[0].seq < pending[1].seq and all(m.event.source == "satellite" for m in pending)
    satellite.ack_events = True
    satellite.close_stream(primary.name)
    second = satellite.wait(lambda: (s := satellite.stream_of(primary.name)) is not first and s, 20, "a new stream")
    satellite.wait(lambda: {m.event.id for m in pending} <= {m.event.id for m in second.events}, 10,
                   "the unacknowledged events again")
    assert {m.seq for m in second.events if m.event.id in {p.event.id for p in pending}} == {m.seq for m in pending}
    pending_ids = {m.event.id for m in pending}
    assert all(m.event.id in pending_ids or m.seq > pending[-1].seq for m in second.events), \
        "an acknowledged event was sent again"

    # Once acknowledged, they are not sent again. (Close only after the sidecar took the
    # acknowledgements: a stream closed with them still queued here would rightly resend.)
    wait_for(lambda: primary.status()["eventsWaiting"] == 0, 10, what="the acknowledgements taken")
    satellite.close_stream(primary.name)
    third = satellite.wait(lambda: (s := satellite.stream_of(primary.name)) not in (first, second) and s, 20,
                           "a third stream")
    satellite.wait(lambda: third.heartbeats, 15, "a heartbeat on the third stream")
    assert all(m.seq > pending[-1].seq for m in third.events), "an acknowledged event was sent again"


def test_a_dead_satellite_changes_nothing(stream_setup):
    satellite, cluster, primary, replica, token = stream_setup
    satellite.stop()
    wait_for(lambda: primary.status()["satelliteConnected"] is False, 15, what="the stream noticed as gone")
    time.sleep(3)
    assert cluster.primary() is primary and replica.is_streaming_from(primary)
    revived = FakeSatellite(token, port=satellite.port)
    try:
        revived.wait_stream(primary.name, timeout=40)
        revived.wait_stream(replica.name, timeout=40)
        assert revived.command(primary.name, lambda c: c.status.SetInParent()).success
    finally:
        revived.stop()


def test_tls_to_the_satellite(kube_env, bin_path: Path, tmp_path):
    """A one-member cluster whose sidecar verifies the satellite's certificate (private CA, host name)."""
    import grpc

    keys = pki.generate(tmp_path)
    credentials = grpc.ssl_server_credentials([(keys.key.read_bytes(), keys.certificate.read_bytes())])
    token = secrets.token_hex(16)
    (tmp_path / "token").write_text(token)
    satellite = FakeSatellite(token, credentials=credentials)
    cluster = SidecarCluster(
        kube_env, bin_path / "failover-sidecar", size=1,
        sidecar_args=("--satellite-address", f"127.0.0.1:{satellite.port}", "--sidecar-stream-token-file",
                      str(tmp_path / "token"), "--satellite-ca-file", str(keys.ca),
                      "--satellite-tls-name", pki.SERVER_NAME))
    try:
        primary = cluster.start(timeout=60).wait_healthy(30)
        stream = satellite.wait_stream(primary.name)
        assert stream.authorization == f"Bearer {token}"
        assert satellite.command(primary.name, lambda c: c.status.SetInParent()).success
    finally:
        cluster.shutdown()
        satellite.stop()


PRIMARY_PROMOTED, PRIMARY_DEMOTED, REPLICA_REWOUND, REPLICA_REBUILT = 24, 25, 31, 33


def test_a_failover_is_told_to_the_satellite(stream_setup):
    satellite, cluster, primary, replica, token = stream_setup
    listener = FakeSatellite(token, port=satellite.port)

    def events_of(pod: str, kind: int) -> list:
        return [m.event for s in listener.streams if s.identity and s.identity.pod_name == pod
                for m in s.events if m.event.type == kind]

    try:
        listener.wait_stream(replica.name, timeout=40)
        primary.kill_all()
        promoted = listener.wait(lambda: events_of(replica.name, PRIMARY_PROMOTED), 60, "the promotion event")[0]
        assert float(promoted.data["failover_seconds"]) > 0 and promoted.severity == 2  # SEVERITY_WARNING
        won = events_of(replica.name, LEASE_ACQUIRED)[-1]
        assert won.data["takeover"] == "promote" and replica.name in won.message
        # The old primary comes back, finds the lease taken and rejoins; its supervisor says how.
        primary.start()
        rejoined = listener.wait(
            lambda: events_of(primary.name, REPLICA_REWOUND) + events_of(primary.name, REPLICA_REBUILT), 120,
            "the old primary's rejoin event")[0]
        assert rejoined.data["leader"] == replica.name
        assert events_of(primary.name, PRIMARY_DEMOTED) or rejoined.type == REPLICA_REBUILT
        assert wait_for(lambda: cluster.accepts_writes(replica), 10, what="writes on the new primary")
    finally:
        listener.stop()


FAILOVER_BLOCKED = 27


def test_a_replica_too_far_behind_reports_the_blocked_failover(stream_setup):
    satellite, cluster, _, _, token = stream_setup
    listener = FakeSatellite(token, port=satellite.port)
    primary = cluster.wait_healthy(60)
    replica = next(member for member in cluster.members if member is not primary)
    receiver = replica.query("SELECT pid FROM pg_stat_wal_receiver")[0][0]
    try:
        listener.wait_stream(replica.name, timeout=40)
        # The replica stops receiving; the primary writes well past maxLagOnFailover (1 MiB) and dies.
        os.kill(receiver, signal.SIGSTOP)
        with psycopg.connect(primary.dsn(), autocommit=True) as session:
            session.execute("CREATE TABLE ballast AS SELECT repeat('x', 1000) AS v FROM generate_series(1, 8000)")
        time.sleep(3)  # the primary publishes its WAL position every retry period (1 s)
        primary.kill_all()
        blocked = listener.wait(
            lambda: [m.event for s in listener.streams if s.identity and s.identity.pod_name == replica.name
                     for m in s.events if m.event.type == FAILOVER_BLOCKED], 30, "the blocked failover event")
        assert blocked[0].data["reason"] == "lagging" and blocked[0].severity == 3  # SEVERITY_ERROR
        assert "more than the 1048576 allowed" in blocked[0].message
        time.sleep(3)
        assert len([m for s in listener.streams for m in s.events if m.event.type == FAILOVER_BLOCKED]) == 1, \
            "one event per blocked episode"
        assert cluster.primary() is None, "a replica that far behind must not take over"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(receiver, signal.SIGCONT)
        listener.stop()
    # The old primary comes back with every write and takes the lease again.
    primary.start()
    assert cluster.wait_healthy(90) is primary
