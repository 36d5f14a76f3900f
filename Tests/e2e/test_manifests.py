"""The manifest checks (manifests.py) on a small sample and on deliberately broken input."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifests import ManifestError, check_kustomization, render, validate_objects, validate_yaml

SAMPLES = Path(__file__).resolve().parents[1] / "manifests"


def test_sample_overlay_renders_and_validates() -> None:
    rendered = check_kustomization(SAMPLES / "sample" / "overlay")
    assert "name: orders-pg-sample" in rendered
    assert "namespace: pg-edge" in rendered
    assert "image: postgres:16" in rendered
    assert "kind: PodDisruptionBudget" in rendered and "apiVersion: policy/v1" in rendered


def test_a_misspelt_field_is_refused() -> None:
    with pytest.raises(ManifestError, match="serviceNme"):
        check_kustomization(SAMPLES / "invalid")


def test_a_missing_kustomization_is_refused() -> None:
    with pytest.raises(ManifestError, match="kustomize"):
        render(SAMPLES / "does-not-exist")


def test_operator_objects_are_validated_as_dicts() -> None:
    lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
             "metadata": {"name": "orders-leader", "namespace": "pg"},
             "spec": {"holderIdentity": "orders-0", "leaseDurationSeconds": 15}}
    passed = validate_objects([lease])
    assert any("lease/orders-leader" in line for line in passed)
    broken = dict(lease, spec={"holderIdentity": "orders-0", "leaseDurationSeconds": "15"})
    with pytest.raises(ManifestError, match="not of type 'integer'"):
        validate_objects([broken])


def test_empty_input_is_an_error() -> None:
    with pytest.raises(ManifestError, match="empty"):
        validate_yaml("   \n")
