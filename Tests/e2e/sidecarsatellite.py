"""A satellite's SidecarStreamService written with Python grpcio (a peer we did not write), for the
sidecar stream end-to-end test: it checks the bearer token, records each stream's identity, heartbeats and
results and events, acknowledges heartbeats (and events, while `ack_events` is set), and sends commands on
request, waiting for their CommandResult.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any, Callable

import grpc
from satsim import protos


def stubs() -> tuple[Any, Any]:
    protos.load()
    from pgswarm.v1 import sidecar_stream_pb2, sidecar_stream_pb2_grpc  # noqa: E402 (generated at test time)
    return sidecar_stream_pb2, sidecar_stream_pb2_grpc


@dataclass
class Stream:
    authorization: str | None
    first_payload: str | None = None
    identity: Any = None
    heartbeats: list[Any] = field(default_factory=list)
    outgoing: queue.Queue = field(default_factory=queue.Queue)
    results: dict[str, Any] = field(default_factory=dict)
    # SidecarMessages carrying an event, in arrival order (seq and event).
    events: list[Any] = field(default_factory=list)
    open: bool = True


class FakeSatellite:
    """Serves on 127.0.0.1:`port` (0: any free port), over TLS with `credentials`; `token` is the only bearer
    accepted."""

    def __init__(self, token: str, port: int = 0, credentials: grpc.ServerCredentials | None = None) -> None:
        self.pb, pb_grpc = stubs()
        self.token = token
        self.lock = threading.Condition()
        self.streams: list[Stream] = []
        self.rejected_authorizations: list[str | None] = []
        # Whether each event is answered with a DeliveryAck naming its seq.
        self.ack_events = True
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        satellite = self

        class Servicer(pb_grpc.SidecarStreamServiceServicer):
            def Connect(self, request_iterator, context):  # noqa: N802 - gRPC method name
                return satellite._connect(request_iterator, context)

        pb_grpc.add_SidecarStreamServiceServicer_to_server(Servicer(), self.server)
        address = f"127.0.0.1:{port}"
        self.port = (self.server.add_secure_port(address, credentials) if credentials
                     else self.server.add_insecure_port(address))
        self.server.start()

    def stop(self) -> None:
        self.server.stop(grace=0).wait(5)
        with self.lock:
            for stream in self.streams:
                stream.open = False
            self.lock.notify_all()

    # The service

    def _connect(self, request_iterator, context):
        authorization = dict(context.invocation_metadata()).get("authorization")
        if authorization != f"Bearer {self.token}":
            with self.lock:
                self.rejected_authorizations.append(authorization)
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "bad sidecar stream token")
        stream = Stream(authorization=authorization)
        with self.lock:
            self.streams.append(stream)
        reader = threading.Thread(target=self._read, args=(stream, request_iterator), daemon=True)
        reader.start()
        while context.is_active() and stream.open:
            try:
                message = stream.outgoing.get(timeout=0.2)
            except queue.Empty:
                continue
            yield message
        with self.lock:
            stream.open = False
            self.lock.notify_all()

    def _read(self, stream: Stream, request_iterator) -> None:
        try:
            for message in request_iterator:
                kind = message.WhichOneof("payload")
                with self.lock:
                    if stream.first_payload is None:
                        stream.first_payload = kind
                    if kind == "identity":
                        stream.identity = message.identity
                    elif kind == "heartbeat":
                        stream.heartbeats.append(message.heartbeat)
                        ack = self.pb.SidecarCommand()
                        ack.heartbeat_ack.timestamp.CopyFrom(message.heartbeat.timestamp)
                        stream.outgoing.put(ack)
                    elif kind == "command_result":
                        stream.results[message.command_result.request_id] = message.command_result
                    elif kind == "event":
                        stream.events.append(message)
                        if self.ack_events:
                            ack = self.pb.SidecarCommand()
                            ack.delivery_ack.acked_through_seq = message.seq
                            stream.outgoing.put(ack)
                    self.lock.notify_all()
        except grpc.RpcError:
            pass
        finally:
            with self.lock:
                stream.open = False
                self.lock.notify_all()

    # For tests

    def wait(self, condition: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                value = condition()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{what} not reached within {timeout} s")
                self.lock.wait(min(remaining, 0.5))

    def stream_of(self, pod: str) -> Stream | None:
        """The newest open stream whose identity names `pod` (call with the lock held or accept races)."""
        for stream in reversed(self.streams):
            if stream.open and stream.identity is not None and stream.identity.pod_name == pod:
                return stream
        return None

    def wait_stream(self, pod: str, timeout: float = 30) -> Stream:
        return self.wait(lambda: self.stream_of(pod), timeout, f"a stream from {pod}")

    def close_stream(self, pod: str) -> Stream:
        """Ends `pod`'s current stream from the satellite's side (the sidecar dials again)."""
        with self.lock:
            stream = self.stream_of(pod)
            assert stream is not None, f"no open stream from {pod}"
            stream.open = False
            self.lock.notify_all()
            return stream

    def command(self, pod: str, build: Callable[[Any], None], timeout: float = 30, timeout_ms: int = 0) -> Any:
        """Sends one command to `pod`'s stream and returns its CommandResult."""
        stream = self.wait_stream(pod)
        command = self.pb.SidecarCommand(request_id=str(uuid.uuid4()), timeout_ms=timeout_ms)
        build(command)
        stream.outgoing.put(command)
        return self.wait(lambda: stream.results.get(command.request_id), timeout,
                         f"the result of {command.WhichOneof('command')} on {pod}")
