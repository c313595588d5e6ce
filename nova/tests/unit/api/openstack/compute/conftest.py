"""Fixtures of the admin resources' tests (services, aggregates, ...)."""

import pytest

from nova.api.openstack.compute import cell_hosts
from nova.tests.unit.api.openstack.compute import hosts_fixture


@pytest.fixture
def recording_placement(monkeypatch):
    """Replaces the admin resources' Placement client by a recorder."""
    recorder = hosts_fixture.RecordingPlacement()
    monkeypatch.setattr(cell_hosts, 'placement', lambda: recorder)
    return recorder
