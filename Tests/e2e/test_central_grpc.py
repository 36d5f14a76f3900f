"""Central's gRPC side against a satellite simulated with Python grpcio from our .proto files
(a client we did not write), the built `central` binary and a real PostgreSQL (issue 6).

Over TLS with the development CA central creates at first start (the client checks the host
name), and once over plaintext (--grpc-plaintext): register, approval, the stream, heartbeats,
desired state and its acknowledgement, health, authentication. Then, over TLS: resync on
reconnect, switchover relay, logs, log level, events stored exactly once, stream replacement.
"""

from __future__ import annotations

import hashlib
import stat
import time
import uuid

import grpc
import pytest
from pgcluster import Cluster
from satsim import central as central_process
from satsim import protos
from satsim.satellite import Satellite, channel
from satsim.sse import EventStream

SPEC = {"postgres": {"version": "17"}, "storage": {"size": "1Gi"}}


@pytest.fixture(scope="module")
def pg():
    cluster = Cluster()
    yield cluster
    cluster.shutdown()


@pytest.fixture(scope="module")
def central_binary(bin_path):
    binary = bin_path / "central"
    assert binary.exists(), "build first: swift build --product central"
    return binary


@pytest.fixture(scope="module")
def tls_central(central_binary, pg, tmp_path_factory):
    central = central_process.start(central_binary, pg, tmp_path_factory.mktemp("central-data"))
    yield central
    central.stop()


@pytest.fixture(scope="module")
def plaintext_central(central_binary, pg, tmp_path_factory):
    central = central_process.start(central_binary, pg, tmp_path_factory.mktemp("central-plain"),
                                    extra=("--grpc-plaintext",))
    yield central
    central.stop()


@pytest.fixture
def p():
    return protos.load()


def wait_until(predicate, timeout: float = 15, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout} s")


def approved_satellite(central, name: str) -> Satellite:
    satellite = Satellite(channel(central.grpc_port, central.ca), cluster=name)
    satellite.register()
    central.post(f"/api/v1/satellites/{satellite.satellite_id}/approve", {"name": name}, expected=200)
    return satellite


def connected(central, name: str, p):
    """An approved satellite with an open stream past its hello (and snapshot, if any)."""
    satellite = approved_satellite(central, name)
    stream = satellite.connect()
    stream.expect("hello")
    return satellite, stream


def create_cluster(central, satellite: Satellite, name: str) -> dict:
    status, cluster = central.request("POST", "/api/v1/clusters",
                                      {"name": name, "satellite_id": satellite.satellite_id, "spec": SPEC})
    assert status == 201, cluster
    return cluster


def health_report(p, cluster: str, applied: int):
    roles = [p.common.INSTANCE_ROLE_PRIMARY, p.common.INSTANCE_ROLE_REPLICA, p.common.INSTANCE_ROLE_REPLICA]
    report = p.health.ClusterHealthReport(
        cluster_name=cluster, namespace="default", state=p.common.CLUSTER_STATE_RUNNING,
        lease_holder=f"{cluster}-0", applied_config_version=applied,
        instances=[p.health.InstanceHealth(pod_name=f"{cluster}-{index}", role=role, ready=True,
                                           connections_used=3, connections_max=100)
                   for index, role in enumerate(roles)])
    report.timestamp.GetCurrentTime()
    return report


# MARK: The acceptance flow, over TLS with the development CA and over plaintext

@pytest.mark.parametrize("security", ["tls", "plaintext"])
def test_register_approve_connect_heartbeat_config_health_and_auth(request, p, security):
    central = request.getfixturevalue(f"{security}_central")
    if security == "tls":
        assert central.ca_file is not None and "over TLS, with a development CA central created" in central.log()
    else:
        assert central.ca_file is None and "PLAINTEXT (--grpc-plaintext)" in central.log()
    rpc = channel(central.grpc_port, central.ca)
    name = f"edge-{security}"
    satellite = Satellite(rpc, cluster=name)

    # Register -> pending; registering again (same token) is idempotent; a restarted satellite
    # with a new token while pending gets its own pending registration, never a loop.
    registered = satellite.register(labels={"region": "eu"})
    assert registered.poll_interval_seconds == 5
    assert satellite.register().satellite_id == registered.satellite_id
    twin = Satellite(rpc, cluster=name)
    assert twin.register().satellite_id not in ("", registered.satellite_id)
    answer = satellite.check_approval()
    assert not answer.approved and answer.state == p.common.SATELLITE_STATE_PENDING
    listed = {s["id"].lower(): s for s in central.get("/api/v1/satellites")}
    assert listed[satellite.satellite_id]["state"] == "pending"
    with pytest.raises(grpc.RpcError) as wrong:
        satellite.check_approval(token="0" * 64)
    assert wrong.value.code() == grpc.StatusCode.UNAUTHENTICATED
    # A pending satellite's token does not open a stream.
    assert satellite.connect().wait_end() == grpc.StatusCode.PERMISSION_DENIED

    # Approve over REST -> CheckApproval says approved, on every poll, with nothing secret in it.
    approval = central.post(f"/api/v1/satellites/{satellite.satellite_id}/approve", {"name": f"{name} one"},
                            expected=200)
    assert satellite.token not in str(approval)
    for _ in range(2):
        answer = satellite.check_approval()
        assert answer.approved and answer.state == p.common.SATELLITE_STATE_APPROVED
        assert answer.satellite_name == f"{name} one"

    # Connect with the token -> CentralHello; the satellite shows as connected.
    stream = satellite.connect()
    hello = stream.expect("hello").hello
    assert hello.satellite_id == satellite.satellite_id and hello.heartbeat_interval_seconds == 10
    path = f"/api/v1/satellites/{satellite.satellite_id}"
    assert central.get(path)["state"] == "connected"

    # Heartbeats are answered and move last_heartbeat (written in batches every second).
    before = central.get(path)["last_heartbeat"]
    time.sleep(1.1)
    stream.heartbeat()
    ack = stream.expect("heartbeat_ack").heartbeat_ack
    assert ack.timestamp.seconds > 0 and ack.central_time.seconds > 0
    wait_until(lambda: central.get(path)["last_heartbeat"] > before, what="last_heartbeat moving")

    # A cluster created over REST is pushed to the stream; its ConfigAck is recorded.
    cluster = create_cluster(central, satellite, "orders")
    pushed = stream.expect("cluster_config", lambda config: config.cluster_name == "orders")
    assert pushed.desired_state_version > 0
    version = pushed.cluster_config.config_version
    assert version == cluster["config_version"]
    seq = satellite.next_seq()
    stream.send(seq=seq, config_ack=p.desired.ConfigAck(
        cluster_name="orders", namespace="default", config_version=version, success=True,
        strategy=p.desired.APPLY_STRATEGY_NO_CHANGE))
    stream.expect_ack(seq)
    assert central.get(f"/api/v1/clusters/{cluster['id']}")["applied_config_version"] == version

    # A health report shows up in GET /api/v1/health, with its three instances.
    stream.send(health_report=health_report(p, "orders", version))

    def reported():
        rows = [row for row in central.get(f"/api/v1/health?satellite_id={satellite.satellite_id}")
                if row["cluster_name"] == "orders"]
        return rows[0] if rows else None
    row = wait_until(reported, what="the health report in GET /api/v1/health")
    assert row["state"] == "running" and len(row["instances"]) == 3 and row["cluster_id"] == cluster["id"]
    assert central.get(f"/api/v1/clusters/{cluster['id']}")["state"] == "running"

    # A wrong token, or none, gets UNAUTHENTICATED.
    assert satellite.connect(token="f" * 64).wait_end() == grpc.StatusCode.UNAUTHENTICATED
    assert satellite.connect(token="").wait_end() == grpc.StatusCode.UNAUTHENTICATED

    # The satellite ends its stream: central records the disconnect.
    stream.close()
    assert stream.wait_end() is None
    wait_until(lambda: central.get(path)["state"] == "disconnected", what="state disconnected")
    assert satellite.token not in central.log()


def test_tls_checks_the_host_name_and_the_dev_ca_is_private_and_reused(tls_central, central_binary, pg):
    # The certificate names localhost and the loopback addresses, not other names.
    with pytest.raises(grpc.RpcError) as refused:
        Satellite(channel(tls_central.grpc_port, tls_central.ca, name="central.elsewhere.example"),
                  cluster="edge-name").register()
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    Satellite(channel(tls_central.grpc_port, tls_central.ca, name="127.0.0.1"), cluster="edge-ip").register()

    folder = tls_central.ca_file.parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for key in ("ca.key", "server.key"):
        assert stat.S_IMODE((folder / key).stat().st_mode) == 0o600
    # A second start on the same data folder reuses the CA: satellites keep trusting it.
    ca_before = tls_central.ca_file.read_bytes()
    again = central_process.start(central_binary, pg, folder.parent)
    try:
        assert "with a development CA central reused" in again.log()
        assert again.ca_file.read_bytes() == ca_before
        Satellite(channel(again.grpc_port, ca_before), cluster="edge-again").register()
    finally:
        again.stop()


def test_health_service_reports_serving(tls_central, p):
    stub = p.grpc_health_grpc.HealthStub(channel(tls_central.grpc_port, tls_central.ca))
    for service in ("", "pgswarm.v1.RegistrationService", "pgswarm.v1.SatelliteStreamService"):
        answer = stub.Check(p.grpc_health.HealthCheckRequest(service=service), timeout=10)
        assert answer.status == p.grpc_health.HealthCheckResponse.SERVING


# MARK: The rest of the stream contract (over TLS)

def test_reconnect_with_a_stale_desired_state_version_gets_a_full_snapshot(tls_central, p):
    central = tls_central
    satellite, stream = connected(central, "edge-resync", p)
    create_cluster(central, satellite, "orders")
    version = stream.expect("cluster_config").desired_state_version
    stream.close()
    wait_until(lambda: central.get(f"/api/v1/satellites/{satellite.satellite_id}")["state"] == "disconnected",
               what="disconnected")
    # Changes while offline are stored and versioned, not lost.
    create_cluster(central, satellite, "billing")

    stale = satellite.connect(desired_state_version=version)
    stale.expect("hello")
    snapshot = stale.expect("desired_state")
    assert snapshot.desired_state_version > version
    assert sorted(config.cluster_name for config in snapshot.desired_state.clusters) == ["billing", "orders"]
    assert all(config.config_version >= 1 for config in snapshot.desired_state.clusters)
    stale.close()

    # Up to date: hello only (the heartbeat answer shows nothing else was queued before it).
    current = satellite.connect(desired_state_version=snapshot.desired_state_version)
    current.expect("hello")
    current.heartbeat()
    current.expect("heartbeat_ack")
    assert "desired_state" not in current.kinds()
    current.close()


def test_switchover_request_progress_and_result_reach_rest_clients(tls_central, p):
    central = tls_central
    satellite, stream = connected(central, "edge-switch", p)
    cluster = create_cluster(central, satellite, "orders")
    stream.expect("cluster_config")
    live = EventStream(central.url + "/api/v1/live", central.token)
    try:
        operation = central.post(f"/api/v1/clusters/{cluster['id']}/switchover", {"target_pod": "orders-1"},
                                 expected=202)
        request = stream.expect("switchover_request").switchover_request
        assert request.operation_id == operation["id"].lower() and request.target_pod == "orders-1"
        steps = [p.switchover.SWITCHOVER_STEP_VERIFY_TARGET, p.switchover.SWITCHOVER_STEP_FENCE_PRIMARY,
                 p.switchover.SWITCHOVER_STEP_PROMOTE]
        for step in steps:
            for status in (p.switchover.SWITCHOVER_STEP_STATUS_STARTING, p.switchover.SWITCHOVER_STEP_STATUS_COMPLETED):
                seq = satellite.next_seq()
                stream.send(seq=seq, switchover_progress=p.switchover.SwitchoverProgress(
                    operation_id=request.operation_id, cluster_name="orders", namespace="default", step=step,
                    status=status, target_pod="orders-1", old_primary_pod="orders-0"))
                stream.expect_ack(seq)
        path = f"/api/v1/clusters/{cluster['id']}/switchovers/{operation['id']}"
        progress = central.get(path)
        assert progress["status"] not in ("succeeded", "failed") and len(progress["steps"]) >= 3
        seq = satellite.next_seq()
        stream.send(seq=seq, switchover_result=p.switchover.SwitchoverResult(
            operation_id=request.operation_id, cluster_name="orders", namespace="default", success=True,
            new_primary_pod="orders-1", old_primary_pod="orders-0"))
        stream.expect_ack(seq)
        done = central.get(path)
        assert done["status"] == "succeeded" and done["new_primary_pod"] == "orders-1"
        live.wait_for(lambda text: "switchover.progress" in text and operation["id"] in text
                      and '"succeeded"' in text)
    finally:
        live.close()
        stream.close()


def test_log_entries_reach_rest_logs_and_the_live_log_stream(tls_central, p):
    central = tls_central
    satellite, stream = connected(central, "edge-logs", p)
    logs = EventStream(central.url + f"/api/v1/satellites/{satellite.satellite_id}/logs/stream", central.token)
    try:
        logs.wait_for(lambda text: ": connected" in text)
        entry = p.common.LogEntry(level=p.common.LOG_LEVEL_WARNING, message="reconcile took 4 s",
                                  fields={"cluster": "orders"}, logger="pgswarm.satellite.operator",
                                  origin=p.common.COMPONENT_SATELLITE)
        entry.timestamp.GetCurrentTime()
        stream.send(log_entry=entry)
        logs.wait_for(lambda text: "event: log" in text and "reconcile took 4 s" in text)
        records = wait_until(lambda: central.get(f"/api/v1/satellites/{satellite.satellite_id}/logs?level=warning"),
                             what="the log record over REST")
        assert records[-1]["message"] == "reconcile took 4 s" and records[-1]["level"] == "warning"
        assert records[-1]["fields"] == {"cluster": "orders"}
    finally:
        logs.close()
        stream.close()


def test_set_log_level_reaches_the_stream_and_needs_a_live_satellite(tls_central, p):
    central = tls_central
    satellite, stream = connected(central, "edge-level", p)
    path = f"/api/v1/satellites/{satellite.satellite_id}/log-level"
    central.post(path, {"level": "debug", "target": "all"}, expected=202)
    command = stream.expect("set_log_level").set_log_level
    assert command.level == p.common.LOG_LEVEL_DEBUG and command.target == p.common.LOG_LEVEL_TARGET_ALL
    stream.close()
    wait_until(lambda: central.request("POST", path, {"level": "info"})[0] == 409, what="409 once disconnected")


def test_events_are_stored_exactly_once_and_every_resend_is_acknowledged(tls_central, p):
    central = tls_central
    satellite, stream = connected(central, "edge-events", p)
    event_id = str(uuid.uuid4())

    def event():
        message = p.events.Event(id=event_id, type=p.events.EVENT_TYPE_PRIMARY_PROMOTED,
                                 severity=p.common.SEVERITY_WARNING, cluster_name="orders", namespace="default",
                                 pod_name="orders-1", message="orders-1 promoted", origin=p.common.COMPONENT_SIDECAR,
                                 source="lease", data={"previous_primary": "orders-0"})
        message.timestamp.GetCurrentTime()
        return message

    seq = satellite.next_seq()
    stream.send(seq=seq, event=event())
    assert stream.expect_ack(seq).delivery_ack.acked_through_seq == seq
    stream.send(seq=seq, event=event())  # resent before the ack was seen
    stream.expect_ack(seq)
    stream.close()
    # After a reconnect the outbox resends it again, under a new session's seq.
    again = satellite.connect(desired_state_version=10**6)
    again.expect("hello")
    again.send(seq=1, event=event())
    again.expect_ack(1)
    page = central.get(f"/api/v1/events?satellite_id={satellite.satellite_id}&type=primary.promoted")
    assert [stored["id"].lower() for stored in page["events"]].count(event_id) == 1
    again.close()


def test_a_newer_stream_replaces_the_older_and_hello_must_come_first(tls_central, p):
    central = tls_central
    satellite, first = connected(central, "edge-twice", p)
    second = satellite.connect(desired_state_version=10**6)
    second.expect("hello")
    assert first.wait_end() == grpc.StatusCode.ABORTED
    path = f"/api/v1/satellites/{satellite.satellite_id}"
    # The older stream's disconnect is recorded before the newer one's connect.
    assert central.get(path)["state"] == "connected"
    second.heartbeat()
    second.expect("heartbeat_ack")
    second.close()

    beat = p.stream.SatelliteMessage(heartbeat=p.stream.Heartbeat())
    assert satellite.connect(first=beat).wait_end() == grpc.StatusCode.INVALID_ARGUMENT


def test_a_replaced_satellite_is_disconnected_for_good(tls_central, p):
    central = tls_central
    old, stream = connected(central, "edge-rebuilt", p)
    new = Satellite(channel(central.grpc_port, central.ca), cluster="edge-rebuilt")
    new.register()
    central.post(f"/api/v1/satellites/{new.satellite_id}/approve", {"name": "edge-rebuilt-2", "replace": True},
                 expected=200)
    assert stream.wait_end() == grpc.StatusCode.PERMISSION_DENIED
    assert old.connect().wait_end() == grpc.StatusCode.PERMISSION_DENIED
    assert hashlib.sha256(old.token.encode()).hexdigest() not in central.log()
