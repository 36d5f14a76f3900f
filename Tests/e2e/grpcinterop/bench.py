"""grpcio side of `grpc-bench`: the same unary and streaming measurements, as JSON on stdout.

Run: python -m grpcinterop.bench --port N [--concurrency 16 --echo_size 64 ...]
"""

import argparse
import asyncio
import json
import time

import grpc

from . import protos

messages, _, _, _ = protos.load()


async def measure(body, warm_up, seconds):
    await body(time.monotonic() + warm_up)
    started = time.monotonic()
    count = await body(started + seconds)
    return count / (time.monotonic() - started)


async def run(args):
    options = [("grpc.max_receive_message_length", 16 << 20)]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{args.port}", options=options) as channel:
        unary = channel.unary_unary("/grpc.testing.TestService/UnaryCall", messages.SimpleRequest.SerializeToString,
                                    messages.SimpleResponse.FromString)
        stream = channel.unary_stream("/grpc.testing.TestService/StreamingOutputCall",
                                      messages.StreamingOutputCallRequest.SerializeToString,
                                      messages.StreamingOutputCallResponse.FromString)
        echo = messages.SimpleRequest(response_size=args.echo_size, payload=messages.Payload(body=b"\0" * args.echo_size))
        stream_request = messages.StreamingOutputCallRequest(response_parameters=[
            messages.ResponseParameters(size=args.stream_message_size)] * args.messages_per_stream)

        async def unary_body(deadline):
            async def worker():
                calls = 0
                while time.monotonic() < deadline:
                    await unary(echo)
                    calls += 1
                return calls
            return sum(await asyncio.gather(*(worker() for _ in range(args.concurrency))))

        async def stream_body(deadline):
            received = 0
            while time.monotonic() < deadline:
                async for _ in stream(stream_request):
                    received += 1
            return received

        result = {
            "unary_rps": await measure(unary_body, args.warm_up, args.seconds),
            "stream_msgs_per_s": await measure(stream_body, args.warm_up, args.seconds),
        }
    print(json.dumps(result), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--echo_size", type=int, default=64)
    parser.add_argument("--stream_message_size", type=int, default=1024)
    parser.add_argument("--messages_per_stream", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--warm_up", type=float, default=0.5)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
