"""The satellite side of registration.proto and satellite_stream.proto, driven by tests.

`Satellite` holds an identity (a random token, stored only here, and its SHA-256 sent to
central) and opens `Stream`s. A `Stream` is one `Connect` call: messages are sent from a queue,
and everything central sends is collected by a reader thread, so a test can wait (bounded) for
the message it expects.
"""

from __future__ import annotations

import hashlib
import queue
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field

import grpc

from . import protos

WAIT_S = 15


def channel(port: int, ca: bytes | None = None, name: str = "localhost") -> grpc.Channel:
    """h2c without `ca`; else TLS trusting only `ca` and checking that central's certificate
    names `name` (dialled on loopback)."""
    if ca is None:
        return grpc.insecure_channel(f"127.0.0.1:{port}")
    options = [("grpc.ssl_target_name_override", name)] if name != "localhost" else []
    target = f"localhost:{port}" if name == "localhost" else f"127.0.0.1:{port}"
    return grpc.secure_channel(target, grpc.ssl_channel_credentials(root_certificates=ca), options=options)


@dataclass
class Satellite:
    channel: grpc.Channel
    cluster: str
    token: str = field(default_factory=lambda: secrets.token_hex(32))
    satellite_id: str = ""
    seq: int = 0

    def __post_init__(self):
        self.p = protos.load()
        self.registration = self.p.registration_grpc.RegistrationServiceStub(self.channel)

    def register(self, labels: dict[str, str] | None = None):
        request = self.p.registration.RegisterRequest(
            hostname="node-1", k8s_cluster_name=self.cluster, region="eu-west", labels=labels or {},
            auth_token_sha256=hashlib.sha256(self.token.encode()).digest(), satellite_version="0.0.1-test")
        response = self.registration.Register(request, timeout=WAIT_S)
        self.satellite_id = response.satellite_id
        return response

    def check_approval(self, token: str | None = None):
        request = self.p.registration.CheckApprovalRequest(
            satellite_id=self.satellite_id, auth_token=self.token if token is None else token)
        return self.registration.CheckApproval(request, timeout=WAIT_S)

    def connect(self, desired_state_version: int = 0, token: str | None = None, first=None) -> Stream:
        hello = self.p.stream.SatelliteMessage(hello=self.p.stream.SatelliteHello(
            satellite_version="0.0.1-test", session_id=str(uuid.uuid4()), k8s_cluster_name=self.cluster,
            desired_state=self.p.desired.DesiredStateSummary(desired_state_version=desired_state_version)))
        return Stream(self, token=self.token if token is None else token, first=first or hello)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq


class Stream:
    """One Connect call. `send` queues a message; `expect` waits for one from central."""

    def __init__(self, satellite: Satellite, token: str, first):
        self.p = satellite.p
        self.satellite = satellite
        self.outbox: queue.Queue = queue.Queue()
        self.outbox.put(first)
        self.inbox: queue.Queue = queue.Queue()
        self.received: list = []
        self.error: grpc.RpcError | None = None
        self.ended = threading.Event()
        stub = self.p.stream_grpc.SatelliteStreamServiceStub(satellite.channel)
        metadata = [("authorization", f"Bearer {token}")] if token else []
        self.call = stub.Connect(self._requests(), metadata=metadata)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _requests(self):
        while True:
            message = self.outbox.get()
            if message is None:
                return
            yield message

    def _read(self):
        try:
            for message in self.call:
                self.inbox.put(message)
        except grpc.RpcError as error:
            self.error = error
        finally:
            self.ended.set()
            self.inbox.put(None)

    # Sending

    def send(self, **payload) -> int:
        """Sends one message (`seq` defaults to 0: best effort); returns its seq."""
        seq = payload.pop("seq", 0)
        self.outbox.put(self.p.stream.SatelliteMessage(seq=seq, **payload))
        return seq

    def heartbeat(self) -> None:
        timestamp = self.p.stream.Heartbeat()
        timestamp.timestamp.GetCurrentTime()
        self.send(heartbeat=timestamp)

    def close(self) -> None:
        """Half-closes, then waits (bounded) for central to end the call."""
        self.outbox.put(None)
        if not self.ended.wait(WAIT_S):
            self.call.cancel()

    def cancel(self) -> None:
        self.call.cancel()
        self.outbox.put(None)
        self.ended.wait(WAIT_S)

    # Receiving

    def expect(self, kind: str, where=lambda message: True, timeout: float = WAIT_S):
        """The next message from central whose payload is `kind` and satisfies `where`.
        Messages skipped on the way are kept in `received`."""
        deadline = time.monotonic() + timeout
        for message in self.received:
            if message.WhichOneof("payload") == kind and where(getattr(message, kind)):
                self.received.remove(message)
                return message
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {kind} from central within {timeout} s; got {self.kinds()}")
            try:
                message = self.inbox.get(timeout=remaining)
            except queue.Empty:
                continue
            if message is None:
                self.inbox.put(None)
                raise AssertionError(f"the stream ended before a {kind} arrived: {self.status()}")
            if message.WhichOneof("payload") == kind and where(getattr(message, kind)):
                return message
            self.received.append(message)

    def expect_ack(self, seq: int, timeout: float = WAIT_S):
        return self.expect("delivery_ack", lambda ack: ack.acked_through_seq >= seq, timeout)

    def wait_end(self, timeout: float = WAIT_S) -> grpc.StatusCode | None:
        """Waits for the call to end; returns its status code (None: ended OK)."""
        assert self.ended.wait(timeout), "the stream did not end"
        return self.error.code() if self.error is not None else None

    def status(self) -> str:
        if self.error is None:
            return "OK"
        return f"{self.error.code()}: {self.error.details()}"

    def kinds(self) -> list[str]:
        return [message.WhichOneof("payload") for message in self.received]
