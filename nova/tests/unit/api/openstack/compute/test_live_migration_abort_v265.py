"""DELETE /servers/{id}/migrations/{migration_id}: before 2.65 only a
running live migration can be aborted; from 2.65 also a queued or
preparing one."""

import pytest

from nova import context as nova_context
from nova import objects
from nova.tests.unit.api import conftest
from nova.tests.unit.api.openstack.compute import test_servers

flavor = test_servers.flavor


class AbortRecorder(conftest.FakeComputeRPCAPI):
    def __init__(self):
        super().__init__()
        self.aborted = []

    def live_migration_abort(self, ctxt, instance, migration_id):
        self.aborted.append(migration_id)


@pytest.fixture
def compute_rpc(monkeypatch, peers):
    from nova.compute import api as compute_api
    rpc = AbortRecorder()
    monkeypatch.setattr(compute_api.API, 'compute_rpcapi', rpc)
    return rpc


def _migrating(client, dbs, status):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    instance = test_servers._schedule(dbs, uuid)
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        instance = objects.Instance.get_by_uuid(cctxt, uuid)
        instance.task_state = 'migrating'
        instance.save()
        migration = objects.Migration(
            cctxt, instance_uuid=uuid, source_compute='host1',
            dest_compute='host2', source_node='host1', dest_node='host2',
            dest_host='host2', old_instance_type_id=1,
            new_instance_type_id=1, status=status,
            migration_type='live-migration', hidden=False,
            user_id='fake-user', project_id='fake-project')
        migration.create()
    return uuid, migration.id


@pytest.mark.parametrize('status', ['queued', 'preparing'])
def test_queued_or_preparing_aborted_from_2_65_only(admin_client, client,
                                                    dbs, flavor,
                                                    compute_rpc, status):
    uuid, migration_id = _migrating(client, dbs, status)
    url = f'/v2.1/servers/{uuid}/migrations/{migration_id}'
    resp = admin_client.delete(url, version='2.64')
    assert resp.status_int == 400
    assert status in resp.json_body_or_none['badRequest']['message']
    assert compute_rpc.aborted == []
    assert admin_client.delete(url, version='2.65').status_int == 202
    assert compute_rpc.aborted == [migration_id]


@pytest.mark.parametrize('version', ['2.24', '2.65'])
def test_running_aborted_at_every_version(admin_client, client, dbs, flavor,
                                          compute_rpc, version):
    uuid, migration_id = _migrating(client, dbs, 'running')
    resp = admin_client.delete(
        f'/v2.1/servers/{uuid}/migrations/{migration_id}', version=version)
    assert resp.status_int == 202
    assert compute_rpc.aborted == [migration_id]
