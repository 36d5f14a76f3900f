"""grpcio peers for interop tests against our gRPC stack (see test_grpc_interop.py)."""
