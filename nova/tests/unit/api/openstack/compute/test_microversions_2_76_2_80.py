"""Microversions 2.76 to 2.80.

2.76: the ``power-update`` external event. 2.77: unshelving an
offloaded server into a named availability zone. 2.78: a server's NUMA
topology. 2.79: ``delete_on_termination`` of volume attachments, which
this cloud does not offer (the resource stays 404). 2.80: the owner of
migrations, shown and filtered by."""

import pytest
from oslo_policy import policy as oslo_policy
from tempest.lib.api_schema.response.compute.v2_1 import (
    server_external_events as events_schema,
)
from tempest.lib.api_schema.response.compute.v2_80 import migrations as mig280
from tempest.lib.api_schema.response.compute.v2_80 import servers as v280

from nova import context as nova_context
from nova import objects, policy
from nova.api import validation
from nova.conductor.tasks import unshelve as unshelve_task
from nova.tests.unit.api import conftest
from nova.tests.unit.api.openstack.compute import hosts_fixture, test_servers

flavor = test_servers.flavor
EVENTS = '/v2.1/os-server-external-events'


def _server(client, dbs, vm_state='active', host='host1'):
    uuid = test_servers._boot(client, networks='none', version='2.75').json_body_or_none[
        'server']['id']
    test_servers._schedule(dbs, uuid, host=host, vm_state=vm_state)
    return uuid


def _instance(dbs, uuid):
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        return objects.Instance.get_by_uuid(cctxt, uuid)


# 2.76 ------------------------------------------------------------------------

def _power_event(uuid, **extra):
    return dict(server_uuid=uuid, name='power-update', **extra)


@pytest.mark.parametrize('tag', ['POWER_ON', 'POWER_OFF'])
def test_power_update_event_accepted_from_2_76(admin_client, client, dbs,
                                               flavor, tag):
    uuid = _server(client, dbs)
    resp = admin_client.post(EVENTS, {'events': [_power_event(uuid, tag=tag)]},
                             version='2.76')
    assert resp.status_int == 200, resp.body
    (event,) = resp.json_body_or_none['events']
    assert (event['name'], event['tag'], event['code'], event['status']) == (
        'power-update', tag, 200, 'completed')


def test_power_update_event_is_400_before_2_76(admin_client, client, dbs,
                                               flavor):
    uuid = _server(client, dbs)
    resp = admin_client.post(EVENTS, {'events': [
        _power_event(uuid, tag='POWER_ON')]}, version='2.75')
    assert resp.status_int == 400
    assert 'power-update' in resp.text


@pytest.mark.parametrize('extra', [{}, {'tag': 'POWER_CYCLE'}])
def test_power_update_event_needs_a_power_tag(admin_client, client, dbs,
                                              flavor, extra):
    uuid = _server(client, dbs)
    resp = admin_client.post(EVENTS, {'events': [
        _power_event(uuid, **extra),
        {'server_uuid': uuid, 'name': 'network-changed'}]}, version='2.76')
    assert resp.status_int == 207
    body = resp.json_body_or_none
    assert [(e['code'], e['status']) for e in body['events']] == [
        (400, 'failed'), (200, 'completed')]
    # The older events still validate against the published schema.
    validation.validate(events_schema.create['response_body'],
                        {'events': body['events'][1:]})


# 2.77 ------------------------------------------------------------------------

class UnshelveRecorder(conftest.FakeComputeTaskAPI):
    def __init__(self):
        super().__init__()
        self.unshelved = []

    def unshelve_instance(self, ctxt, instance):
        self.unshelved.append(instance.uuid)


class ComputeRecorder(conftest.FakeComputeRPCAPI):
    def __init__(self):
        super().__init__()
        self.unshelved = []

    def unshelve_instance(self, ctxt, instance, host, node):
        self.unshelved.append((instance.uuid, host, node))


@pytest.fixture
def unshelve_rpc(monkeypatch, peers):
    from nova.compute import api as compute_api
    task_api, compute_rpc = UnshelveRecorder(), ComputeRecorder()
    monkeypatch.setattr(compute_api.API, 'compute_task_api', task_api)
    monkeypatch.setattr(compute_api.API, 'compute_rpcapi', compute_rpc)
    return task_api, compute_rpc


def _zone(name, zone, *hosts):
    agg = objects.Aggregate(nova_context.get_admin_context(), name=name,
                            metadata={'availability_zone': zone})
    agg.create()
    for host in hosts:
        agg.add_host(host)


@pytest.fixture
def zones(dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    hosts_fixture.add_compute(dbs, 'host2')
    _zone('a1', 'az1', 'host1')
    _zone('a2', 'az2', 'host2')


def _unshelve(client, uuid, args, version='2.77'):
    return client.post(f'/v2.1/servers/{uuid}/action', {'unshelve': args},
                       version=version)


def _spec_zone(uuid):
    return objects.RequestSpec.get_by_instance_uuid(
        nova_context.get_admin_context(), uuid).availability_zone


def test_unshelve_offloaded_into_a_zone(client, dbs, flavor, zones,
                                        unshelve_rpc):
    task_api, _rpc = unshelve_rpc
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    resp = _unshelve(client, uuid, {'availability_zone': 'az2'})
    assert resp.status_int == 202, resp.body
    assert task_api.unshelved == [uuid]
    assert _spec_zone(uuid) == 'az2'
    assert _instance(dbs, uuid).task_state == 'unshelving'


def test_unshelve_into_a_zone_records_a_missing_spec(client, dbs, flavor,
                                                     zones, unshelve_rpc):
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    objects.RequestSpec.get_by_instance_uuid(
        nova_context.get_admin_context(), uuid).destroy()
    assert _unshelve(client, uuid,
                     {'availability_zone': 'az1'}).status_int == 202
    assert _spec_zone(uuid) == 'az1'


@pytest.mark.parametrize('args', [None, {}])
def test_unshelve_without_a_zone_keeps_the_spec(client, dbs, flavor, zones,
                                                unshelve_rpc, args):
    task_api, _rpc = unshelve_rpc
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    assert _unshelve(client, uuid, args).status_int == 202
    assert task_api.unshelved == [uuid]
    assert _spec_zone(uuid) is None


def test_unshelve_into_a_zone_of_a_shelved_server_is_409(client, dbs, flavor,
                                                         zones, unshelve_rpc):
    task_api, compute_rpc = unshelve_rpc
    uuid = _server(client, dbs, vm_state='shelved')
    resp = _unshelve(client, uuid, {'availability_zone': 'az2'})
    assert resp.status_int == 409
    assert 'availability_zone' in resp.text
    assert (task_api.unshelved, compute_rpc.unshelved) == ([], [])
    assert _instance(dbs, uuid).task_state is None
    assert _spec_zone(uuid) is None


def test_unshelve_into_an_unknown_zone_is_400(client, dbs, flavor, zones,
                                              unshelve_rpc):
    task_api, _rpc = unshelve_rpc
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    resp = _unshelve(client, uuid, {'availability_zone': 'nowhere'})
    assert resp.status_int == 400
    assert 'nowhere' in resp.text
    assert 'availability_zone' in resp.text
    assert task_api.unshelved == []
    assert _instance(dbs, uuid).task_state is None


@pytest.mark.parametrize('args, version', [
    ({'availability_zone': 'az2'}, '2.76'), ({'availability_zone': ''}, '2.77'),
    ({'availability_zone': 5}, '2.77'), ({'zone': 'az2'}, '2.77'),
    ({'availability_zone': ' az2'}, '2.77')])
def test_unshelve_body_errors(client, dbs, flavor, zones, unshelve_rpc, args,
                              version):
    task_api, _rpc = unshelve_rpc
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    resp = _unshelve(client, uuid, args, version=version)
    assert resp.status_int == 400, (args, version)
    assert 'unshelve' in resp.text
    assert task_api.unshelved == []


class FakeScheduler:
    """Picks host2 and records the spec it was asked with."""

    def __init__(self):
        self.specs = []

    def select_destinations(self, ctxt, spec, uuids, return_objects=False,
                            return_alternates=False):
        self.specs.append(spec)
        return [[objects.Selection(
            service_host='host2', nodename='host2',
            compute_node_uuid='6b0d3a1e-0000-4000-8000-000000000002',
            cell_uuid='6b0d3a1e-0000-4000-8000-000000000003')]]


def test_conductor_schedules_into_the_zone_and_moves_the_server(
        client, dbs, flavor, zones, unshelve_rpc):
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    assert _instance(dbs, uuid).availability_zone is None
    _unshelve(client, uuid, {'availability_zone': 'az2'})
    # The task's RPC clients are doubles: no message bus here.
    task = unshelve_task.UnshelveTask.__new__(unshelve_task.UnshelveTask)
    task.scheduler = FakeScheduler()
    task.compute_rpcapi = ComputeRecorder()
    ctxt = nova_context.get_admin_context()
    task.unshelve_instance(ctxt, _instance(dbs, uuid))
    (spec,) = task.scheduler.specs
    assert spec.availability_zone == 'az2'
    assert task.compute_rpcapi.unshelved == [(uuid, 'host2', 'host2')]
    assert _instance(dbs, uuid).availability_zone == 'az2'


# 2.78 ------------------------------------------------------------------------

def test_topology_of_a_server_without_numa(client, admin_client, dbs, flavor):
    uuid = _server(client, dbs)
    for who in (client, admin_client):
        resp = who.get(f'/v2.1/servers/{uuid}/topology', version='2.78')
        assert resp.status_int == 200, resp.body
        assert resp.json_body_or_none == {'nodes': [], 'pagesize_kb': None}


def test_topology_is_404_before_2_78_and_for_unknown_servers(client, dbs,
                                                            flavor):
    uuid = _server(client, dbs)
    assert client.get(f'/v2.1/servers/{uuid}/topology',
                      version='2.77').status_int == 404
    assert client.get('/v2.1/servers/9f3c4a4e-0000-4000-8000-000000000000/'
                      'topology', version='2.78').status_int == 404


def test_topology_is_for_the_owner_and_admins(client, dbs, flavor):
    uuid = _server(client, dbs)
    resp = client.get(f'/v2.1/servers/{uuid}/topology', version='2.78',
                      token='other-user:other-project')
    assert resp.status_int in (403, 404)


def test_topology_policy_is_checked(client, dbs, flavor, conf):
    uuid = _server(client, dbs)
    enforcer = policy.get_enforcer()
    enforcer.load_rules()
    enforcer.set_rules(oslo_policy.Rules.from_dict(
        {'compute:server:topology:index': '!'}), overwrite=False)
    resp = client.get(f'/v2.1/servers/{uuid}/topology', version='2.78')
    assert resp.status_int == 403
    assert 'compute:server:topology:index' in resp.text


# 2.79 ------------------------------------------------------------------------

def test_volume_attachments_stay_not_offered_at_2_79(client, dbs, flavor):
    uuid = _server(client, dbs)
    url = f'/v2.1/servers/{uuid}/os-volume_attachments'
    assert client.get(url, version='2.79').status_int == 404
    resp = client.post(url, {'volumeAttachment': {
        'volumeId': '9f3c4a4e-0000-4000-8000-000000000001',
        'delete_on_termination': True}}, version='2.79')
    assert resp.status_int == 404


# 2.80 ------------------------------------------------------------------------

def _migration(dbs, uuid, user_id, project_id, **fields):
    values = {'instance_uuid': uuid, 'source_compute': 'host1',
              'dest_compute': 'host2', 'source_node': 'host1',
              'dest_node': 'host2', 'dest_host': 'host2',
              'old_instance_type_id': 1, 'new_instance_type_id': 1,
              'status': 'finished', 'migration_type': 'migration',
              'hidden': False, 'user_id': user_id, 'project_id': project_id}
    values.update(fields)
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        migration = objects.Migration(cctxt, **values)
        migration.create()
    return migration


def test_migrations_show_and_filter_by_owner_from_2_80(admin_client, client,
                                                       dbs, flavor):
    uuid = _server(client, dbs)
    mine = _migration(dbs, uuid, 'u1', 'p1')
    other = _migration(dbs, uuid, 'u2', 'p2')

    def uuids(query, version='2.80'):
        resp = admin_client.get(f'/v2.1/os-migrations{query}',
                                version=version)
        assert resp.status_int == 200, resp.body
        return resp.json_body_or_none

    body = uuids('')
    validation.validate(mig280.list_migrations['response_body'], body)
    owners = {m['uuid']: (m['user_id'], m['project_id'])
              for m in body['migrations']}
    assert owners == {mine.uuid: ('u1', 'p1'), other.uuid: ('u2', 'p2')}
    assert [m['uuid'] for m in uuids('?user_id=u1')['migrations']] == [
        mine.uuid]
    assert [m['uuid'] for m in uuids('?project_id=p2')['migrations']] == [
        other.uuid]
    assert uuids('?user_id=u1&project_id=p2')['migrations'] == []
    old = uuids('', version='2.79')['migrations'][0]
    assert 'user_id' not in old and 'project_id' not in old


def test_migration_owner_filters_are_400_before_2_80(admin_client, client,
                                                     dbs, flavor):
    uuid = _server(client, dbs)
    _migration(dbs, uuid, 'u1', 'p1')
    for query in ('user_id=u1', 'project_id=p1'):
        resp = admin_client.get(f'/v2.1/os-migrations?{query}',
                                version='2.79')
        assert resp.status_int == 400, query
        assert query.split('=')[0] in resp.text


def test_server_live_migrations_show_the_owner_from_2_80(admin_client,
                                                         client, dbs, flavor):
    uuid = _server(client, dbs)
    migration = _migration(dbs, uuid, 'u1', 'p1', status='running',
                           migration_type='live-migration')
    url = f'/v2.1/servers/{uuid}/migrations'
    body = admin_client.get(url, version='2.80').json_body_or_none
    validation.validate(v280.list_live_migrations['response_body'], body)
    assert (body['migrations'][0]['user_id'],
            body['migrations'][0]['project_id']) == ('u1', 'p1')
    shown = admin_client.get(f'{url}/{migration.id}',
                             version='2.80').json_body_or_none['migration']
    assert (shown['user_id'], shown['project_id']) == ('u1', 'p1')
    old = admin_client.get(url, version='2.79').json_body_or_none
    assert 'user_id' not in old['migrations'][0]
