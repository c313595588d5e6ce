"""Object indirection: remotable methods run in the conductor over RPC."""

from unittest import mock

import oslo_messaging as messaging
import pytest
from oslo_utils import uuidutils

from nova import exception, objects
from nova.conductor import manager, rpcapi
from nova.objects import base as objects_base


@pytest.fixture(scope='session')
def _conductor(rpc_bus):
    # Session-wide: stopping an RPC server takes a second.
    conductor = manager.ConductorManager(host='conductor')
    server = rpc_bus.get_server(
        messaging.Target(topic='conductor', server='conductor'),
        [conductor] + conductor.additional_endpoints)
    server.start()
    yield conductor
    server.stop()
    server.wait()


@pytest.fixture
def indirection(cells, _conductor, monkeypatch):
    """Objects pointed at the conductor on fake://; yields the object
    endpoint (its methods spied on)."""
    endpoint = _conductor.additional_endpoints[1]
    for name in ('object_class_action_versions', 'object_action'):
        monkeypatch.setattr(endpoint, name,
                            mock.Mock(wraps=getattr(endpoint, name)))
    monkeypatch.setattr(objects_base.NovaObject, 'indirection_api',
                        rpcapi.ConductorAPI())
    return endpoint


def test_remotable_classmethod_runs_in_conductor(cells, indirection):
    mapping = objects.CellMapping.get_by_uuid(cells.ctxt, cells.cell1.uuid)
    assert isinstance(mapping, objects.CellMapping)
    assert mapping.name == 'cell1'
    assert indirection.object_class_action_versions.call_count == 1


def test_remotable_method_updates_caller_object(cells, indirection,
                                                monkeypatch):
    mapping = objects.CellMapping.get_by_uuid(cells.ctxt, cells.cell1.uuid)
    mapping.name = 'renamed'
    mapping.save()
    assert indirection.object_action.call_count == 1
    assert mapping.obj_what_changed() == set()
    monkeypatch.setattr(objects_base.NovaObject, 'indirection_api', None)
    assert objects.CellMapping.get_by_uuid(
        cells.ctxt, cells.cell1.uuid).name == 'renamed'


def test_errors_come_back_as_themselves(cells, indirection):
    with pytest.raises(exception.CellMappingNotFound):
        objects.CellMapping.get_by_uuid(cells.ctxt,
                                        uuidutils.generate_uuid())


def test_backport_gives_the_asked_version(cells):
    endpoint = manager.ObjectIndirectionEndpoint()
    primitive = endpoint.object_backport_versions(
        cells.ctxt, cells.cell1, {'CellMapping': '1.0'})
    assert primitive['nova_object.version'] == '1.0'
    assert primitive['nova_object.data']['name'] == 'cell1'
