"""deploy/ renders with kustomize and every object validates strictly against Kubernetes schemas."""

from pathlib import Path

import pytest
from manifests import check_kustomization

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.mark.parametrize("component", ["central", "satellite"])
def test_kustomization_renders_and_validates(component):
    rendered = check_kustomization(DEPLOY / component)
    assert "kind: Deployment" in rendered
    assert "pods/exec" not in rendered, "no component may exec into pods"
    assert "ghcr.io/pg-swarm/pg-swarm:0.1.0" in rendered
