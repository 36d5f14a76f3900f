"""A raw HTTP/2 peer for robustness tests: hand-made frames, including malformed ones."""

import socket
import struct
import time

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4
NO_ERROR, PROTOCOL_ERROR, FLOW_CONTROL_ERROR, STREAM_CLOSED, FRAME_SIZE_ERROR = 0x0, 0x1, 0x3, 0x5, 0x6
COMPRESSION_ERROR, ENHANCE_YOUR_CALM = 0x9, 0xB


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + struct.pack(">BBI", kind, flags, stream & 0x7FFFFFFF) + payload


def frame_header(kind, flags, stream, length):
    """Only a header, claiming `length` bytes of payload (to lie about lengths)."""
    return struct.pack(">I", length)[1:] + struct.pack(">BBI", kind, flags, stream)


def settings(*pairs, ack=False):
    return frame(SETTINGS, ACK if ack else 0, 0, b"".join(struct.pack(">HI", key, value) for key, value in pairs))


def window_update(stream, increment):
    return frame(WINDOW_UPDATE, 0, stream, struct.pack(">I", increment))


def grpc_message(payload=b""):
    return b"\0" + struct.pack(">I", len(payload)) + payload


class Peer:
    """One connection to the server under test."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.encoder = hpack.Encoder()
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def start(self, *pairs):
        self.send(PREFACE + settings(*pairs))

    def request_headers(self, stream, path="/grpc.testing.TestService/EmptyCall", end_stream=False):
        block = self.encoder.encode([(":method", "POST"), (":scheme", "http"), (":path", path),
                                     (":authority", "localhost"), ("content-type", "application/grpc"),
                                     ("te", "trailers")])
        return frame(HEADERS, END_HEADERS | (END_STREAM if end_stream else 0), stream, block)

    def frames(self, timeout=10.0):
        """Yields (type, flags, stream, payload) until the peer closes or `timeout` passes."""
        deadline = time.monotonic() + timeout
        buffer, offset = bytearray(self.buffer), 0
        try:
            while True:
                while len(buffer) - offset >= 9:
                    length = int.from_bytes(buffer[offset:offset + 3], "big")
                    if len(buffer) - offset < 9 + length:
                        break
                    kind, flags = buffer[offset + 3], buffer[offset + 4]
                    stream = int.from_bytes(buffer[offset + 5:offset + 9], "big") & 0x7FFFFFFF
                    payload = bytes(buffer[offset + 9:offset + 9 + length])
                    offset += 9 + length
                    yield kind, flags, stream, payload
                del buffer[:offset]
                offset = 0
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self.sock.settimeout(remaining)
                try:
                    chunk = self.sock.recv(1 << 20)
                except (socket.timeout, ConnectionResetError):
                    return
                if not chunk:
                    return
                buffer += chunk
        finally:
            self.buffer = bytes(buffer[offset:])

    def wait_for(self, kinds, timeout=10.0, stream=None):
        """The first frame of one of `kinds` (on `stream`, if given); None if none came."""
        for kind, flags, frame_stream, payload in self.frames(timeout):
            if kind in kinds and (stream is None or frame_stream == stream):
                return kind, flags, frame_stream, payload
        return None

    def close(self):
        self.sock.close()


def error_code(received):
    """The error code of a GOAWAY or RST_STREAM frame tuple."""
    kind, _, _, payload = received
    return int.from_bytes(payload[4:8] if kind == GOAWAY else payload[:4], "big")
