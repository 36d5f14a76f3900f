"""A satellite simulated with Python grpcio and our .proto files (a client we did not write)."""
