"""Our gRPC server against a hostile raw HTTP/2 peer (issue 3, robustness acceptance).

Each test sends malformed or abusive input on its own connection and checks the answer: GOAWAY
or RST_STREAM with the right error code. After each, a well-behaved grpcio client must still
be served, and at the end the server's memory must still be bounded.
"""

import struct
import time
from pathlib import Path

import grpc
import pytest
from grpcinterop import processes, protos, rawh2
from grpcinterop.rawh2 import Peer

# The server may grow with the attacks below, but never by the sizes the attacks try to force
# (a settings flood is 10 MB of input; a slow reader asks for 64 MiB of responses).
MAX_RSS_KIB = 200 * 1024


@pytest.fixture(scope="module")
def server(bin_path):
    with processes.our_server(bin_path / "grpc-interop") as running:
        yield running


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def assert_still_serving(server):
    messages, empty, _, _ = protos.load()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        call = channel.unary_unary("/grpc.testing.TestService/EmptyCall", empty.Empty.SerializeToString,
                                   empty.Empty.FromString)
        assert call(empty.Empty(), timeout=10) == empty.Empty()
    assert server.process.poll() is None, "the server must not crash"


def expect_goaway(peer, code, timeout=10.0):
    received = peer.wait_for({rawh2.GOAWAY}, timeout)
    assert received is not None, "expected GOAWAY"
    assert rawh2.error_code(received) == code, f"GOAWAY code {rawh2.error_code(received)} != {code}"
    return received


def expect_reset(peer, stream, code, timeout=10.0):
    received = peer.wait_for({rawh2.RST_STREAM}, timeout, stream=stream)
    assert received is not None, f"expected RST_STREAM on {stream}"
    assert rawh2.error_code(received) == code, f"RST_STREAM code {rawh2.error_code(received)} != {code}"


@pytest.fixture
def peer(server):
    connection = Peer(server.port)
    connection.start()
    yield connection
    connection.close()
    assert_still_serving(server)


def test_settings_with_a_length_not_a_multiple_of_six_is_a_frame_size_error(peer):
    peer.send(rawh2.frame(rawh2.SETTINGS, 0, 0, b"\x00\x04\x00\x00\x10"))
    expect_goaway(peer, rawh2.FRAME_SIZE_ERROR)


def test_ping_of_seven_bytes_is_a_frame_size_error(peer):
    peer.send(rawh2.frame(rawh2.PING, 0, 0, b"1234567"))
    expect_goaway(peer, rawh2.FRAME_SIZE_ERROR)


def test_a_frame_above_max_frame_size_is_a_frame_size_error(peer):
    peer.send(peer.request_headers(1))
    peer.send(rawh2.frame(rawh2.DATA, 0, 1, b"\0" * 16_385))
    expect_goaway(peer, rawh2.FRAME_SIZE_ERROR)


def test_a_frame_header_claiming_a_huge_length_is_refused_before_buffering(peer):
    peer.send(rawh2.frame_header(rawh2.DATA, 0, 1, 0xFFFFFF) + b"\0" * 100)
    expect_goaway(peer, rawh2.FRAME_SIZE_ERROR)


def test_data_on_stream_zero_is_a_protocol_error(peer):
    peer.send(rawh2.frame(rawh2.DATA, 0, 0, b"abc"))
    expect_goaway(peer, rawh2.PROTOCOL_ERROR)


def test_headers_on_stream_zero_is_a_protocol_error(peer):
    peer.send(peer.request_headers(0))
    expect_goaway(peer, rawh2.PROTOCOL_ERROR)


def test_data_on_a_closed_stream_is_answered_with_stream_closed(peer):
    peer.send(peer.request_headers(1) + rawh2.frame(rawh2.DATA, rawh2.END_STREAM, 1, rawh2.grpc_message()))
    # Wait for the response to end the stream (trailers carry END_STREAM).
    for kind, flags, stream, _ in peer.frames(10):
        if kind == rawh2.HEADERS and stream == 1 and flags & rawh2.END_STREAM:
            break
    peer.send(rawh2.frame(rawh2.DATA, 0, 1, b"late"))
    received = peer.wait_for({rawh2.RST_STREAM, rawh2.GOAWAY})
    assert received is not None and rawh2.error_code(received) == rawh2.STREAM_CLOSED


def test_an_invalid_hpack_index_is_a_compression_error(peer):
    peer.send(rawh2.frame(rawh2.HEADERS, rawh2.END_HEADERS, 1, b"\xff\xff\x7f"))
    expect_goaway(peer, rawh2.COMPRESSION_ERROR)


def test_a_header_list_above_our_limit_resets_only_that_stream(peer):
    block = peer.encoder.encode([(":method", "POST"), (":scheme", "http"), (":path", "/x.Y/Z"),
                                 (":authority", "localhost"), ("content-type", "application/grpc"),
                                 ("x-big", "v" * 8_000), ("x-big-2", "w" * 9_000)])
    peer.send(rawh2.frame(rawh2.HEADERS, rawh2.END_HEADERS, 1, block))
    expect_reset(peer, 1, rawh2.ENHANCE_YOUR_CALM)


def test_a_continuation_flood_is_answered_with_enhance_your_calm(peer):
    peer.send(rawh2.frame(rawh2.HEADERS, 0, 1, b"\x82"))
    peer.send(rawh2.frame(rawh2.CONTINUATION, 0, 1, b"\x00" * 16_384) * 8)
    expect_goaway(peer, rawh2.ENHANCE_YOUR_CALM)


def test_a_connection_window_above_2_31_is_a_flow_control_error(peer):
    peer.send(rawh2.window_update(0, 0x7FFFFFFF))
    expect_goaway(peer, rawh2.FLOW_CONTROL_ERROR)


def test_a_stream_window_above_2_31_resets_only_that_stream(peer):
    peer.send(peer.request_headers(1, path="/grpc.testing.TestService/FullDuplexCall"))
    peer.send(rawh2.window_update(1, 0x7FFFFFFF))
    expect_reset(peer, 1, rawh2.FLOW_CONTROL_ERROR)


def test_data_beyond_the_window_we_granted_is_a_flow_control_error(peer):
    # The stream window is 1 MiB; a peer ignoring it overflows it before the 8 MiB connection window.
    peer.send(peer.request_headers(1, path="/grpc.testing.TestService/StreamingInputCall"))
    chunk = rawh2.frame(rawh2.DATA, 0, 1, b"\0" * 16_384)
    peer.send(chunk * 70)
    received = peer.wait_for({rawh2.RST_STREAM, rawh2.GOAWAY})
    assert received is not None and rawh2.error_code(received) == rawh2.FLOW_CONTROL_ERROR


def test_a_server_that_answered_early_resets_the_rest_of_the_request_with_no_error(peer):
    # RFC 9113 §8.1: the status went out while the client was still sending; RST_STREAM NO_ERROR
    # (after the trailers) tells it to stop without failing the call.
    messages, _, _, _ = protos.load()
    request = messages.StreamingOutputCallRequest(response_status=messages.EchoStatus(code=2, message="early"))
    peer.send(peer.request_headers(1, path="/grpc.testing.TestService/FullDuplexCall"))
    peer.send(rawh2.frame(rawh2.DATA, 0, 1, rawh2.grpc_message(request.SerializeToString())))
    seen = []
    for kind, flags, stream, payload in peer.frames(10):
        if stream != 1:
            continue
        if kind == rawh2.HEADERS and flags & rawh2.END_STREAM:
            seen.append("trailers")
        if kind == rawh2.RST_STREAM:
            seen.append(("reset", int.from_bytes(payload, "big")))
            break
    assert seen == ["trailers", ("reset", rawh2.NO_ERROR)]


def test_a_ping_flood_is_answered_with_enhance_your_calm(peer):
    peer.send(b"".join(rawh2.frame(rawh2.PING, 0, 0, struct.pack(">Q", index)) for index in range(100)))
    received = expect_goaway(peer, rawh2.ENHANCE_YOUR_CALM)
    assert received[3][8:] == b"too_many_pings"


def test_a_settings_flood_from_a_peer_that_does_not_read_is_answered_with_enhance_your_calm(server, peer):
    # 1.2 million SETTINGS frames: more ACKs than the socket buffers hold, so they pile up.
    flood = rawh2.settings() * 50_000
    peer.sock.settimeout(30)
    deadline = time.monotonic() + 60
    sent = 0
    try:
        while sent < 24 and time.monotonic() < deadline:
            peer.send(flood)
            sent += 1
    except (ConnectionResetError, BrokenPipeError, TimeoutError):
        pass  # The server stopped reading once it had enough.
    goaway = peer.wait_for({rawh2.GOAWAY}, timeout=30)
    assert goaway is not None and rawh2.error_code(goaway) == rawh2.ENHANCE_YOUR_CALM
    assert rss_kib(server.pid) < MAX_RSS_KIB


def test_a_slow_reader_is_held_by_flow_control_and_costs_bounded_memory(server):
    before = rss_kib(server.pid)
    readers = []
    for _ in range(5):
        peer = Peer(server.port)
        peer.start()
        messages, _, _, _ = protos.load()
        request = messages.StreamingOutputCallRequest(
            response_parameters=[messages.ResponseParameters(size=1 << 20) for _ in range(64)])
        body = rawh2.grpc_message(request.SerializeToString())
        peer.send(peer.request_headers(1, path="/grpc.testing.TestService/StreamingOutputCall"))
        peer.send(rawh2.frame(rawh2.DATA, rawh2.END_STREAM, 1, body))
        readers.append(peer)  # never read, never grant more window
    time.sleep(1)
    assert_still_serving(server)
    grown = rss_kib(server.pid) - before
    # Each stream may hold a 1 MiB response and the high-water mark, not 64 MiB.
    assert grown < 5 * 8 * 1024, f"RSS grew by {grown} KiB"
    for peer in readers:
        peer.close()


def test_memory_stays_bounded_after_all_attacks(server):
    assert rss_kib(server.pid) < MAX_RSS_KIB
