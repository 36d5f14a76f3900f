"""Shared pytest fixtures for Tests/e2e: Kubernetes API servers, PostgreSQL clusters, our binaries."""

import subprocess
from pathlib import Path

import pytest
from kube_fixture import kube_env, kube_env_factory  # noqa: F401
from pgcluster import Cluster

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def pg_cluster_factory():
    """Starts clusters on demand (`factory(replicas=2)`) and always tears them down."""
    clusters: list[Cluster] = []

    def factory(replicas: int = 0, settings: dict[str, str] | None = None) -> Cluster:
        cluster = Cluster(replicas=replicas, settings=settings)
        clusters.append(cluster)
        return cluster

    yield factory
    for cluster in clusters:
        cluster.shutdown()


@pytest.fixture(scope="session")
def bin_path() -> Path:
    """Where `swift build` put our executables (built by `make e2e-test` before pytest runs)."""
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())
