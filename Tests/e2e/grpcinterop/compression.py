"""Seeing whether a message travelled compressed, which grpcio does not expose.

With the channel/server option `grpc.per_message_decompression` off, grpcio hands compressed
messages to the deserializer still gzipped. A serialized protobuf never starts with the gzip
magic (0x1f is field 3 with the invalid wire type 7), so the magic is a reliable flag.
"""

import gzip

GZIP_MAGIC = b"\x1f\x8b"
OPTIONS = [("grpc.per_message_decompression", 0)]


def deserializer(message_type):
    """Returns a deserializer producing (message, was_compressed)."""

    def parse(data: bytes):
        compressed = data[:2] == GZIP_MAGIC
        if compressed:
            data = gzip.decompress(data)
        return message_type.FromString(data), compressed

    return parse
