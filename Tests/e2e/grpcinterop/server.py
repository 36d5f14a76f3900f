"""grpcio (grpc.aio) implementation of grpc.testing.TestService, the interop test server.

Run: python -m grpcinterop.server --port N [--use_tls --tls_cert F --tls_key F]
Prints "listening on port N" once serving.
"""

import argparse
import asyncio
import signal
import sys

import grpc

from . import compression, protos

messages, empty, test_grpc, _ = protos.load()
ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"


def payload(size):
    return messages.Payload(body=b"\0" * size)


async def echo_metadata(context):
    metadata = dict(context.invocation_metadata())
    if ECHO_INITIAL in metadata:
        await context.send_initial_metadata(((ECHO_INITIAL, metadata[ECHO_INITIAL]),))
    if ECHO_TRAILING in metadata:
        context.set_trailing_metadata(((ECHO_TRAILING, metadata[ECHO_TRAILING]),))


async def unary_call_as_stream(pair, context):
    """UnaryCall, served as a one-message stream: the same bytes on the wire, and grpc.aio's
    unary handlers ignore set_compression (grpcio 1.85), its streaming handlers do not."""
    yield await unary_call(pair, context)


async def unary_call(pair, context):
    request, compressed = pair
    await echo_metadata(context)
    if request.expect_compressed.value and not compressed:
        await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "expected a compressed request")
    if request.response_status.code != 0:
        await context.abort(grpc.StatusCode(_code(request.response_status.code)), request.response_status.message)
    if request.response_compressed.value:
        context.set_compression(grpc.Compression.Gzip)
    return messages.SimpleResponse(payload=payload(request.response_size))


def _code(value):
    return next(code.value for code in grpc.StatusCode if code.value[0] == value)


async def respond(request, context):
    for parameters in request.response_parameters:
        if parameters.interval_us:
            await asyncio.sleep(parameters.interval_us / 1e6)
        if parameters.compressed.value:
            context.set_compression(grpc.Compression.Gzip)
        elif parameters.HasField("compressed"):
            context.disable_next_message_compression()
        yield messages.StreamingOutputCallResponse(payload=payload(parameters.size))
    if request.response_status.code != 0:
        await context.abort(grpc.StatusCode(_code(request.response_status.code)), request.response_status.message)


async def streaming_output_call(pair, context):
    request, _ = pair
    await echo_metadata(context)
    async for response in respond(request, context):
        yield response


async def streaming_input_call(request_iterator, context):
    await echo_metadata(context)
    total = 0
    async for request, compressed in request_iterator:
        if request.expect_compressed.value and not compressed:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "expected a compressed request")
        total += len(request.payload.body)
    return messages.StreamingInputCallResponse(aggregated_payload_size=total)


async def full_duplex_call(request_iterator, context):
    await echo_metadata(context)
    async for request, _ in request_iterator:
        async for response in respond(request, context):
            yield response


async def half_duplex_call(request_iterator, context):
    await echo_metadata(context)
    buffered = [request async for request, _ in request_iterator]
    for request in buffered:
        async for response in respond(request, context):
            yield response


async def empty_call(pair, context):
    await echo_metadata(context)
    return empty.Empty()


def handlers():
    def serialize(message):
        return message.SerializeToString()

    def deserialize(message_type):
        return compression.deserializer(message_type)

    return grpc.method_handlers_generic_handler("grpc.testing.TestService", {
        "EmptyCall": grpc.unary_unary_rpc_method_handler(empty_call, deserialize(empty.Empty), serialize),
        "UnaryCall": grpc.unary_stream_rpc_method_handler(
            unary_call_as_stream, deserialize(messages.SimpleRequest), serialize),
        "StreamingOutputCall": grpc.unary_stream_rpc_method_handler(
            streaming_output_call, deserialize(messages.StreamingOutputCallRequest), serialize),
        "StreamingInputCall": grpc.stream_unary_rpc_method_handler(
            streaming_input_call, deserialize(messages.StreamingInputCallRequest), serialize),
        "FullDuplexCall": grpc.stream_stream_rpc_method_handler(
            full_duplex_call, deserialize(messages.StreamingOutputCallRequest), serialize),
        "HalfDuplexCall": grpc.stream_stream_rpc_method_handler(
            half_duplex_call, deserialize(messages.StreamingOutputCallRequest), serialize),
    })


def server_options(max_message_size, min_ping_interval_ms):
    return compression.OPTIONS + [
        ("grpc.max_receive_message_length", max_message_size),
        ("grpc.max_send_message_length", max_message_size),
        ("grpc.http2.min_recv_ping_interval_without_data_ms", min_ping_interval_ms),
        ("grpc.http2.min_ping_interval_without_data_ms", min_ping_interval_ms),
        ("grpc.keepalive_permit_without_calls", 1),
    ]


async def serve(args):
    server = grpc.aio.server(options=server_options(args.max_receive_message_size, args.min_ping_interval_ms))
    server.add_generic_rpc_handlers((handlers(),))
    address = f"{args.host}:{args.port}"
    if args.use_tls:
        with open(args.tls_key, "rb") as key, open(args.tls_cert, "rb") as cert:
            credentials = grpc.ssl_server_credentials(((key.read(), cert.read()),))
        port = server.add_secure_port(address, credentials)
    else:
        port = server.add_insecure_port(address)
    await server.start()
    print(f"listening on port {port}", flush=True)
    await server.wait_for_termination()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--use_tls", action="store_true")
    parser.add_argument("--tls_cert")
    parser.add_argument("--tls_key")
    parser.add_argument("--max_receive_message_size", type=int, default=16 << 20)
    parser.add_argument("--min_ping_interval_ms", type=int, default=5000)
    args = parser.parse_args()
    # A parent may start us with signals blocked (Swift's Foundation.Process does): unblock the
    # ones used to stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    # Exit normally on SIGTERM, so atexit cleanup (the compiled protos) runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        asyncio.run(serve(args))
    except (KeyboardInterrupt, SystemExit):
        sys.exit(0)


if __name__ == "__main__":
    main()
