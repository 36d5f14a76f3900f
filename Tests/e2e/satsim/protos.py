"""Compiles Protos/pgswarm/v1 (and grpc.health.v1) for Python at test time and imports them.

The generated modules import each other as `pgswarm.v1.*_pb2`, so the output directory goes on
sys.path. The health protos come from grpcinterop.protos, which handles their clash with grpcio's
own `grpc` package.
"""

import atexit
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[3]
_loaded = None


def load() -> SimpleNamespace:
    """Compiles once per process; returns the message and service modules by short name."""
    global _loaded
    if _loaded is not None:
        return _loaded
    out = tempfile.mkdtemp(prefix="pgswarm-protos-")
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    protos = sorted(str(path.relative_to(REPO / "Protos")) for path in (REPO / "Protos/pgswarm/v1").glob("*.proto"))
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{REPO / 'Protos'}", f"--python_out={out}",
                    f"--grpc_python_out={out}", *protos], check=True)
    sys.path.insert(0, out)
    from grpcinterop import protos as interop_protos  # noqa: E402
    from pgswarm.v1 import (common_pb2, config_pb2, desired_state_pb2, events_pb2, health_pb2,  # noqa: E402
                            registration_pb2, registration_pb2_grpc, satellite_stream_pb2,
                            satellite_stream_pb2_grpc, switchover_pb2)
    _, _, _, grpc_health_pb2 = interop_protos.load()
    from grpc.health.v1 import health_pb2_grpc  # noqa: E402  (generated next to health_pb2)
    _loaded = SimpleNamespace(
        common=common_pb2, config=config_pb2, desired=desired_state_pb2, events=events_pb2, health=health_pb2,
        registration=registration_pb2, registration_grpc=registration_pb2_grpc, stream=satellite_stream_pb2,
        stream_grpc=satellite_stream_pb2_grpc, switchover=switchover_pb2, grpc_health=grpc_health_pb2,
        grpc_health_grpc=health_pb2_grpc)
    return _loaded
