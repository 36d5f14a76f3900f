"""Compiles Protos/grpc/{testing,health} for Python at test time and makes them importable.

grpc_tools writes packages named `grpc.testing` and `grpc.health`, which collide with grpcio's
own `grpc` package. The output directory goes first on sys.path and into `grpc.__path__`, so
`grpc.testing.messages_pb2` resolves to the generated file while `grpc` stays grpcio.
"""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import grpc

REPO = Path(__file__).resolve().parents[3]
PROTOS = ["grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto",
          "grpc/health/v1/health.proto"]
_loaded = None


def load():
    """Compiles once per process; returns (messages_pb2, empty_pb2, test_pb2_grpc, health_pb2)."""
    global _loaded
    if _loaded is not None:
        return _loaded
    out = os.environ.get("PGSWARM_GRPC_PROTO_OUT")
    if not out:
        out = tempfile.mkdtemp(prefix="grpc-protos-")
        atexit.register(shutil.rmtree, out, ignore_errors=True)
    if not Path(out, "grpc/testing/test_pb2_grpc.py").exists():
        subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{REPO / 'Protos'}", f"--python_out={out}",
                        f"--grpc_python_out={out}", *PROTOS], check=True)
    sys.path.insert(0, out)
    generated = os.path.join(out, "grpc")
    if generated not in grpc.__path__:
        grpc.__path__.append(generated)
    from grpc.health.v1 import health_pb2  # noqa: E402
    from grpc.testing import empty_pb2, messages_pb2, test_pb2_grpc  # noqa: E402
    _loaded = (messages_pb2, empty_pb2, test_pb2_grpc, health_pb2)
    return _loaded
