"""A private CA and a server certificate for TLS interop tests, made with the openssl CLI.

The certificate names only `grpc.test.example`, so clients dialling 127.0.0.1 must verify the
name given as server_host_override: the hostname check is really exercised.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

SERVER_NAME = "grpc.test.example"


@dataclass(frozen=True)
class PKI:
    ca: Path
    certificate: Path
    key: Path


def _openssl(*arguments: str) -> None:
    subprocess.run(["openssl", *arguments], check=True, capture_output=True)


def generate(directory: Path) -> PKI:
    ca_key, ca = directory / "ca.key", directory / "ca.pem"
    key, request, certificate = directory / "server.key", directory / "server.csr", directory / "server.pem"
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(ca_key), "-out", str(ca), "-days", "2", "-subj", "/CN=pg-swarm grpc test CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(key), "-out", str(request), "-subj", f"/CN={SERVER_NAME}",
             "-addext", f"subjectAltName=DNS:{SERVER_NAME}", "-addext", "basicConstraints=critical,CA:FALSE")
    _openssl("x509", "-req", "-in", str(request), "-CA", str(ca), "-CAkey", str(ca_key), "-set_serial", "4242",
             "-days", "2", "-copy_extensions", "copy", "-out", str(certificate))
    return PKI(ca=ca, certificate=certificate, key=key)
