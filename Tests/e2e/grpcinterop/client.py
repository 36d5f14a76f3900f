"""grpcio (grpc.aio) interop test client: the standard cases, plus our acceptance scenarios.

Run: python -m grpcinterop.client --server_host H --server_port N --test_case NAME[,NAME...]|all
     [--use_tls --ca_file F --server_host_override NAME]
Prints PASS/FAIL per case; exits 0 when all pass.

grpcio cannot compress some messages of a client stream and not others, so in
client_compressed_streaming both messages travel compressed (the second says it need not be).
"""

import argparse
import asyncio
import sys
import time

import grpc

from . import compression, protos

messages, empty, _, _ = protos.load()
STANDARD = ["empty_unary", "large_unary", "client_compressed_unary", "server_compressed_unary",
            "client_streaming", "client_compressed_streaming", "server_streaming", "server_compressed_streaming",
            "ping_pong", "empty_stream", "timeout_on_sleeping_server", "cancel_after_begin",
            "cancel_after_first_response", "custom_metadata", "status_code_and_message", "special_status_message",
            "unimplemented_method", "unimplemented_service"]
REQUEST_SIZES = [27182, 8, 1828, 45904]
RESPONSE_SIZES = [31415, 9, 2653, 58979]
SERVICE = "/grpc.testing.TestService/"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def zeros(size):
    return messages.Payload(body=b"\0" * size)


class Stubs:
    def __init__(self, channel):
        ser = lambda message: message.SerializeToString()  # noqa: E731
        de = compression.deserializer
        self.empty = channel.unary_unary(SERVICE + "EmptyCall", ser, de(empty.Empty))
        self.unary = channel.unary_unary(SERVICE + "UnaryCall", ser, de(messages.SimpleResponse))
        self.output = channel.unary_stream(SERVICE + "StreamingOutputCall", ser,
                                           de(messages.StreamingOutputCallResponse))
        self.input = channel.stream_unary(SERVICE + "StreamingInputCall", ser,
                                          de(messages.StreamingInputCallResponse))
        self.duplex = channel.stream_stream(SERVICE + "FullDuplexCall", ser,
                                            de(messages.StreamingOutputCallResponse))
        self.unimplemented = channel.unary_unary(SERVICE + "UnimplementedCall", ser, de(empty.Empty))
        self.unimplemented_service = channel.unary_unary(
            "/grpc.testing.UnimplementedService/UnimplementedCall", ser, de(empty.Empty))


async def expect_status(code, awaitable, message=None):
    try:
        await awaitable
    except grpc.aio.AioRpcError as error:
        check(error.code() == code, f"expected {code}, got {error.code()}: {error.details()}")
        if message is not None:
            check(error.details() == message, f"expected message {message!r}, got {error.details()!r}")
        return
    raise Failure(f"expected {code}, but the call succeeded")


async def empty_unary(stubs):
    response, _ = await stubs.empty(empty.Empty())
    check(isinstance(response, empty.Empty), "EmptyCall returns Empty")


async def large_unary(stubs):
    response, _ = await stubs.unary(messages.SimpleRequest(response_size=314159, payload=zeros(271828)))
    check(response.payload.body == b"\0" * 314159, "response payload")


async def client_compressed_unary(stubs):
    def request(expect):
        return messages.SimpleRequest(expect_compressed=messages.BoolValue(value=expect), response_size=314159,
                                      payload=zeros(271828))
    await expect_status(grpc.StatusCode.INVALID_ARGUMENT, stubs.unary(request(True)))
    response, _ = await stubs.unary(request(True), compression=grpc.Compression.Gzip)
    check(len(response.payload.body) == 314159, "compressed request: response size")
    response, _ = await stubs.unary(request(False))
    check(len(response.payload.body) == 314159, "uncompressed request: response size")


async def server_compressed_unary(stubs):
    for compressed in (True, False):
        request = messages.SimpleRequest(response_compressed=messages.BoolValue(value=compressed),
                                         response_size=314159, payload=zeros(271828))
        response, was_compressed = await stubs.unary(request)
        check(was_compressed == compressed, f"response compressed: expected {compressed}")
        check(len(response.payload.body) == 314159, "response size")


async def client_streaming(stubs):
    requests = [messages.StreamingInputCallRequest(payload=zeros(size)) for size in REQUEST_SIZES]
    response, _ = await stubs.input(iter(requests))
    check(response.aggregated_payload_size == 74922, f"aggregated size {response.aggregated_payload_size}")


async def client_compressed_streaming(stubs):
    probe = [messages.StreamingInputCallRequest(expect_compressed=messages.BoolValue(value=True),
                                                payload=zeros(27182))]
    await expect_status(grpc.StatusCode.INVALID_ARGUMENT, stubs.input(iter(probe)))
    requests = [
        messages.StreamingInputCallRequest(expect_compressed=messages.BoolValue(value=True), payload=zeros(27182)),
        messages.StreamingInputCallRequest(expect_compressed=messages.BoolValue(value=False), payload=zeros(45904)),
    ]
    response, _ = await stubs.input(iter(requests), compression=grpc.Compression.Gzip)
    check(response.aggregated_payload_size == 73086, f"aggregated size {response.aggregated_payload_size}")


async def server_streaming(stubs):
    request = messages.StreamingOutputCallRequest(
        response_parameters=[messages.ResponseParameters(size=size) for size in RESPONSE_SIZES])
    sizes = [len(response.payload.body) async for response, _ in stubs.output(request)]
    check(sizes == RESPONSE_SIZES, f"response sizes {sizes}")


async def server_compressed_streaming(stubs):
    request = messages.StreamingOutputCallRequest(response_parameters=[
        messages.ResponseParameters(compressed=messages.BoolValue(value=True), size=31415),
        messages.ResponseParameters(compressed=messages.BoolValue(value=False), size=92653)])
    seen = [(len(response.payload.body), compressed) async for response, compressed in stubs.output(request)]
    check(seen == [(31415, True), (92653, False)], f"sizes and compression {seen}")


async def ping_pong(stubs):
    call = stubs.duplex()
    for request_size, response_size in zip(REQUEST_SIZES, RESPONSE_SIZES):
        await call.write(messages.StreamingOutputCallRequest(
            response_parameters=[messages.ResponseParameters(size=response_size)], payload=zeros(request_size)))
        response, _ = await call.read()
        check(len(response.payload.body) == response_size, "response size")
    await call.done_writing()
    check(await call.read() == grpc.aio.EOF, "no response after the last ping")
    check(await call.code() == grpc.StatusCode.OK, "status OK")


async def empty_stream(stubs):
    call = stubs.duplex()
    await call.done_writing()
    check(await call.read() == grpc.aio.EOF, "no responses")
    check(await call.code() == grpc.StatusCode.OK, "status OK")


async def timeout_on_sleeping_server(stubs):
    call = stubs.duplex(timeout=0.001)
    try:
        await call.write(messages.StreamingOutputCallRequest(payload=zeros(27182)))
    except (grpc.aio.AioRpcError, asyncio.InvalidStateError):
        pass
    code = await call.code()
    check(code == grpc.StatusCode.DEADLINE_EXCEEDED, f"expected DEADLINE_EXCEEDED, got {code}")


async def cancel_after_begin(stubs):
    never = asyncio.Event()

    async def requests():
        await never.wait()
        yield messages.StreamingInputCallRequest()

    call = stubs.input(requests())
    await asyncio.sleep(0.05)
    call.cancel()
    check(await call.code() == grpc.StatusCode.CANCELLED, "status CANCELLED")


async def cancel_after_first_response(stubs):
    call = stubs.duplex()
    await call.write(messages.StreamingOutputCallRequest(
        response_parameters=[messages.ResponseParameters(size=31415)], payload=zeros(27182)))
    response, _ = await call.read()
    check(len(response.payload.body) == 31415, "first response size")
    call.cancel()
    check(await call.code() == grpc.StatusCode.CANCELLED, "status CANCELLED")


async def custom_metadata(stubs):
    metadata = (("x-grpc-test-echo-initial", "test_initial_metadata_value"),
                ("x-grpc-test-echo-trailing-bin", b"\xab\xab\xab"))
    call = stubs.unary(messages.SimpleRequest(response_size=314159, payload=zeros(271828)), metadata=metadata)
    await call
    initial, trailing = dict(await call.initial_metadata()), dict(await call.trailing_metadata())
    check(initial.get("x-grpc-test-echo-initial") == "test_initial_metadata_value", f"initial {initial}")
    check(trailing.get("x-grpc-test-echo-trailing-bin") == b"\xab\xab\xab", f"trailing {trailing}")
    call = stubs.duplex(metadata=metadata)
    await call.write(messages.StreamingOutputCallRequest(
        response_parameters=[messages.ResponseParameters(size=314159)], payload=zeros(271828)))
    await call.done_writing()
    response, _ = await call.read()
    check(len(response.payload.body) == 314159, "streamed response size")
    check(await call.read() == grpc.aio.EOF, "one response")
    initial, trailing = dict(await call.initial_metadata()), dict(await call.trailing_metadata())
    check(initial.get("x-grpc-test-echo-initial") == "test_initial_metadata_value", f"initial {initial}")
    check(trailing.get("x-grpc-test-echo-trailing-bin") == b"\xab\xab\xab", f"trailing {trailing}")


async def status_code_and_message(stubs):
    status = messages.EchoStatus(code=2, message="test status message")
    await expect_status(grpc.StatusCode.UNKNOWN, stubs.unary(messages.SimpleRequest(response_status=status)),
                        "test status message")
    call = stubs.duplex()
    await call.write(messages.StreamingOutputCallRequest(response_status=status))
    await call.done_writing()
    check(await call.code() == grpc.StatusCode.UNKNOWN, "full duplex: UNKNOWN")
    check(await call.details() == "test status message", "full duplex: message")


async def special_status_message(stubs):
    text = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"
    status = messages.EchoStatus(code=2, message=text)
    await expect_status(grpc.StatusCode.UNKNOWN, stubs.unary(messages.SimpleRequest(response_status=status)), text)


async def unimplemented_method(stubs):
    await expect_status(grpc.StatusCode.UNIMPLEMENTED, stubs.unimplemented(empty.Empty()))


async def unimplemented_service(stubs):
    await expect_status(grpc.StatusCode.UNIMPLEMENTED, stubs.unimplemented_service(empty.Empty()))


async def pgswarm_8mib_messages(stubs):
    size = 8 << 20
    response, _ = await stubs.unary(messages.SimpleRequest(response_size=size, payload=zeros(size)))
    check(len(response.payload.body) == size, "8 MiB response")


async def pgswarm_200_concurrent_streams(stubs, count=200):
    opened = 0
    all_open = asyncio.Event()

    async def one(index):
        nonlocal opened
        call = stubs.duplex()
        await call.write(messages.StreamingOutputCallRequest(
            response_parameters=[messages.ResponseParameters(size=index + 1)]))
        response, _ = await call.read()
        check(len(response.payload.body) == index + 1, f"first response of call {index}")
        opened += 1
        if opened == count:
            all_open.set()
        await all_open.wait()
        await call.done_writing()
        check(await call.read() == grpc.aio.EOF, f"call {index} ends")
        check(await call.code() == grpc.StatusCode.OK, f"call {index} OK")

    await asyncio.wait_for(asyncio.gather(*(one(index) for index in range(count))), timeout=60)


async def pgswarm_idle_stream_60s(stubs, idle=60):
    call = stubs.duplex()
    for round_number in range(2):
        if round_number:
            await asyncio.sleep(idle)
        await call.write(messages.StreamingOutputCallRequest(response_parameters=[messages.ResponseParameters(size=10)]))
        response, _ = await call.read()
        check(len(response.payload.body) == 10, f"response of round {round_number}")
    await call.done_writing()
    check(await call.read() == grpc.aio.EOF, "the call ends")
    check(await call.code() == grpc.StatusCode.OK, "status OK")


def channel_for(args):
    options = compression.OPTIONS + [
        ("grpc.max_receive_message_length", args.max_receive_message_size),
        ("grpc.max_send_message_length", args.max_receive_message_size),
    ]
    if args.keepalive_ms:
        options += [("grpc.keepalive_time_ms", args.keepalive_ms), ("grpc.keepalive_timeout_ms", 20000),
                    ("grpc.keepalive_permit_without_calls", 1), ("grpc.http2.max_pings_without_data", 0)]
    target = f"{args.server_host}:{args.server_port}"
    if not args.use_tls:
        return grpc.aio.insecure_channel(target, options=options)
    with open(args.ca_file, "rb") as ca:
        credentials = grpc.ssl_channel_credentials(root_certificates=ca.read())
    if args.server_host_override:
        options.append(("grpc.ssl_target_name_override", args.server_host_override))
    return grpc.aio.secure_channel(target, credentials, options=options)


async def run(args):
    names = [case for name in args.test_case.split(",") for case in (STANDARD if name == "all" else [name])]
    failures = 0
    async with channel_for(args) as channel:
        stubs = Stubs(channel)
        for name in names:
            started = time.monotonic()
            try:
                await asyncio.wait_for(globals()[name](stubs), timeout=args.case_timeout_s)
                print(f"PASS {name} ({time.monotonic() - started:.3f} s)", flush=True)
            except Exception as error:  # noqa: BLE001 - every failure is reported, the run goes on
                failures += 1
                print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server_host", default="localhost")
    parser.add_argument("--server_port", type=int, required=True)
    parser.add_argument("--test_case", default="all")
    parser.add_argument("--use_tls", action="store_true")
    parser.add_argument("--ca_file")
    parser.add_argument("--server_host_override")
    parser.add_argument("--max_receive_message_size", type=int, default=16 << 20)
    parser.add_argument("--keepalive_ms", type=int, default=0)
    parser.add_argument("--case_timeout_s", type=float, default=120)
    args = parser.parse_args()
    sys.exit(1 if asyncio.run(run(args)) else 0)


if __name__ == "__main__":
    main()
