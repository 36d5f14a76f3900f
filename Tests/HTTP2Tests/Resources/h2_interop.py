"""Interop peer for the Swift HTTP2 tests, driven over stdin/stdout.

Modes:
  hpack-encode   stdin: JSON list of header lists ([name, value, sensitive]); a list may be
                 {"table_size": N} to resize the encoder. stdout: JSON list of hex blocks.
  hpack-decode   stdin: JSON list of hex blocks; stdout: JSON list of header lists.
  h2-client      an h2 client conversation with the Swift server.
  h2-server      an h2 server conversation with the Swift client.

Conversation protocol (strict alternation, Python first): Python writes one line
"<hex or -> <state>", where state is "more" or "done:<json>"; unless done, the
Swift side answers with one line "<hex or ->". Every loop is bounded.
"""

import json
import signal
import sys

import h2.config
import h2.connection
import h2.events
import hpack

MAX_ROUNDS = 5000
BODY_SIZE = 200_000


def hpack_encode():
    encoder = hpack.Encoder()
    blocks = []
    for item in json.load(sys.stdin):
        if isinstance(item, dict):
            encoder.header_table_size = item["table_size"]
            continue
        headers = [
            hpack.NeverIndexedHeaderTuple(n, v) if sensitive else (n, v) for n, v, sensitive in item
        ]
        blocks.append(encoder.encode(headers).hex())
    json.dump(blocks, sys.stdout)


def hpack_decode():
    decoder = hpack.Decoder()
    lists = []
    for block in json.load(sys.stdin):
        headers = decoder.decode(bytes.fromhex(block), raw=False)
        lists.append([[n, v, isinstance(h, hpack.NeverIndexedHeaderTuple)] for h in headers for n, v in [h]])
    json.dump(lists, sys.stdout)


def exchange(data, state="more"):
    sys.stdout.write((data.hex() or "-") + " " + state + "\n")
    sys.stdout.flush()
    if state != "more":
        return b""
    line = sys.stdin.readline()
    if not line:
        raise SystemExit("swift side closed the pipe")
    line = line.strip()
    return b"" if line == "-" else bytes.fromhex(line)


def flush_body(conn, stream_id, pending):
    """Sends as much of pending[stream_id] as the windows allow; True when all is sent."""
    body = pending[stream_id]
    while body:
        size = min(len(body), conn.local_flow_control_window(stream_id), conn.max_outbound_frame_size)
        if size <= 0:
            break
        conn.send_data(stream_id, body[:size])
        body = body[size:]
    pending[stream_id] = body
    return not body


def h2_client():
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    request = [(":method", "POST"), (":scheme", "http"), (":path", "/pg.Echo/Call"),
               (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers"),
               ("authorization", "Bearer not-a-real-token")]
    conn.send_headers(1, request)
    body = bytes(i * 7 % 251 for i in range(BODY_SIZE))
    pending = {1: body}
    sent_end = False
    conn.ping(b"interop!")
    result = {"status": None, "body": 0, "body_ok": False, "trailers": {}, "ended": False, "ping_acked": False}
    received = bytearray()
    incoming = b""
    for _ in range(MAX_ROUNDS):
        for event in conn.receive_data(incoming):
            if isinstance(event, h2.events.ResponseReceived):
                result["status"] = dict(event.headers).get(":status")
            elif isinstance(event, h2.events.DataReceived):
                received += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.TrailersReceived):
                result["trailers"] = dict(event.headers)
            elif isinstance(event, h2.events.StreamEnded):
                result["ended"] = True
            elif isinstance(event, h2.events.PingAckReceived):
                result["ping_acked"] = event.ping_data == b"interop!"
        if not sent_end and flush_body(conn, 1, pending):
            conn.end_stream(1)
            sent_end = True
        if result["ended"] and result["ping_acked"]:
            result["body"] = len(received)
            result["body_ok"] = bytes(received) == body
            exchange(conn.data_to_send(), "done:" + json.dumps(result))
            return
        incoming = exchange(conn.data_to_send())
    exchange(b"", "done:" + json.dumps({"error": "no progress", **result}))


def h2_server():
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
    conn.initiate_connection()
    bodies, pending, finished, requests = {}, {}, set(), {}
    incoming = b""
    expected_streams = 3
    for _ in range(MAX_ROUNDS):
        for event in conn.receive_data(incoming):
            if isinstance(event, h2.events.RequestReceived):
                requests[event.stream_id] = dict(event.headers)
                bodies[event.stream_id] = bytearray()
            elif isinstance(event, h2.events.DataReceived):
                bodies[event.stream_id] += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                conn.send_headers(event.stream_id, [(":status", "200"), ("content-type", "application/grpc")])
                pending[event.stream_id] = bytes(bodies[event.stream_id])
        for stream_id in list(pending):
            if flush_body(conn, stream_id, pending):
                conn.send_headers(stream_id, [("grpc-status", "0"), ("grpc-message", "ok")], end_stream=True)
                del pending[stream_id]
                finished.add(stream_id)
        if len(finished) == expected_streams:
            result = {"streams": sorted(finished), "paths": sorted(r.get(":path", "") for r in requests.values()),
                      "sizes": sorted(len(b) for b in bodies.values())}
            exchange(conn.data_to_send(), "done:" + json.dumps(result))
            return
        incoming = exchange(conn.data_to_send())
    exchange(b"", "done:" + json.dumps({"error": "no progress", "finished": sorted(finished)}))


if __name__ == "__main__":
    signal.alarm(60)  # never outlive a hung test
    {"hpack-encode": hpack_encode, "hpack-decode": hpack_decode,
     "h2-client": h2_client, "h2-server": h2_server}[sys.argv[1]]()
