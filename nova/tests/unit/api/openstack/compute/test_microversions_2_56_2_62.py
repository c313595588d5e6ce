"""Microversions 2.56 - 2.62.
(2.60 concerns multiattach volumes only: nothing to test here.)"""

import pytest
from tempest.lib.api_schema.response.compute.v2_57 import limits as lim257
from tempest.lib.api_schema.response.compute.v2_57 import quota_classes as qc257
from tempest.lib.api_schema.response.compute.v2_57 import quotas as q257
from tempest.lib.api_schema.response.compute.v2_57 import servers as v257
from tempest.lib.api_schema.response.compute.v2_58 import servers as v258
from tempest.lib.api_schema.response.compute.v2_59 import migrations as mig259
from tempest.lib.api_schema.response.compute.v2_59 import servers as v259
from tempest.lib.api_schema.response.compute.v2_61 import flavors as fl261
from tempest.lib.api_schema.response.compute.v2_62 import servers as v262

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api import conftest
from nova.tests.unit.api.openstack.compute import hosts_fixture, test_servers

flavor = test_servers.flavor

INJECTED = {'injected_files', 'injected_file_content_bytes',
            'injected_file_path_bytes'}


class MoveRecorder(conftest.FakeComputeTaskAPI):
    def __init__(self):
        super().__init__()
        self.migrations = []

    def migrate_server(self, ctxt, instance, flavor, migration_type,
                       **kwargs):
        self.migrations.append((instance.uuid, migration_type, kwargs))


@pytest.fixture
def conductor(monkeypatch, peers):
    from nova.compute import api as compute_api
    recorder = MoveRecorder()
    monkeypatch.setattr(compute_api.API, 'compute_task_api', recorder)
    return recorder


class RebuildRecorder(conftest.FakeComputeRPCAPI):
    def __init__(self):
        super().__init__()
        self.rebuilt = []

    def rebuild_instance(self, ctxt, instance, image_ref, admin_password,
                         preserve_ephemeral=False):
        self.rebuilt.append((instance.uuid, instance.user_data))


@pytest.fixture
def compute_rpc(monkeypatch, peers):
    from nova.compute import api as compute_api
    rpc = RebuildRecorder()
    monkeypatch.setattr(compute_api.API, 'compute_rpcapi', rpc)
    return rpc


def _server(client, dbs, host='host1', **extra):
    uuid = test_servers._boot(client, **extra).json_body_or_none[
        'server']['id']
    test_servers._schedule(dbs, uuid, host=host)
    return uuid


def _action(client, uuid, body, version):
    return client.post(f'/v2.1/servers/{uuid}/action', body,
                       version=version)


def _cell_ctxt(dbs):
    return nova_context.target_cell(nova_context.get_admin_context(),
                                    dbs.cell1)


# 2.56 ------------------------------------------------------------------------

def test_cold_migrate_to_a_named_host(admin_client, client, dbs, flavor,
                                      conductor):
    hosts_fixture.add_compute(dbs, 'host2')
    uuid = _server(client, dbs)
    resp = _action(admin_client, uuid, {'migrate': {'host': 'host2'}},
                   '2.56')
    assert resp.status_int == 202
    assert conductor.migrations == [(uuid, 'migration', {'host': 'host2'})]
    with _cell_ctxt(dbs) as cctxt:
        assert objects.Instance.get_by_uuid(
            cctxt, uuid).task_state == 'resize_prep'


@pytest.mark.parametrize('args', [None, {}, {'host': None}])
def test_cold_migrate_without_host_lets_the_scheduler_pick(
        admin_client, client, dbs, flavor, conductor, args):
    uuid = _server(client, dbs)
    resp = _action(admin_client, uuid, {'migrate': args}, '2.56')
    assert resp.status_int == 202
    assert conductor.migrations == [(uuid, 'migration', {})]


def test_cold_migrate_host_errors(admin_client, client, dbs, flavor,
                                  conductor):
    hosts_fixture.add_compute(dbs, 'host1')
    uuid = _server(client, dbs)
    # Its own host, an unknown host, an empty name, before 2.56.
    for body, version in (({'host': 'host1'}, '2.56'),
                          ({'host': 'nowhere'}, '2.56'),
                          ({'host': ''}, '2.56'),
                          ({'host': 'host1'}, '2.55')):
        resp = _action(admin_client, uuid, {'migrate': body}, version)
        assert resp.status_int == 400, (body, version)
    assert conductor.migrations == []


# 2.57 ------------------------------------------------------------------------

def test_personality_is_refused_from_2_57(client, dbs, flavor):
    files = [{'path': '/etc/motd', 'contents': 'aGk='}]
    assert test_servers._boot(client, version='2.57', networks='none',
                              personality=files).status_int == 400
    assert test_servers._boot(client, version='2.56', networks='none',
                              personality=files).status_int == 202


def test_rebuild_with_user_data_from_2_57(client, dbs, flavor, compute_rpc):
    uuid = _server(client, dbs, user_data='b2xk')
    args = {'imageRef': conftest.IMAGE_ID, 'user_data': 'bmV3'}
    resp = _action(client, uuid, {'rebuild': args}, '2.57')
    assert resp.status_int == 202
    body = resp.json_body_or_none
    validation.validate(v257.rebuild_server_with_admin_pass['response_body'],
                        body)
    assert body['server']['user_data'] == 'bmV3'
    assert compute_rpc.rebuilt == [(uuid, 'bmV3')]
    # The compute finishes the rebuild; then null removes the user data.
    with _cell_ctxt(dbs) as cctxt:
        instance = objects.Instance.get_by_uuid(cctxt, uuid)
        instance.task_state = None
        instance.save()
    resp = _action(client, uuid, {'rebuild': {
        'imageRef': conftest.IMAGE_ID, 'user_data': None}}, '2.57')
    assert resp.json_body_or_none['server']['user_data'] is None
    with _cell_ctxt(dbs) as cctxt:
        assert objects.Instance.get_by_uuid(cctxt, uuid).user_data is None


def test_rebuild_body_changes_at_2_57(client, dbs, flavor, compute_rpc):
    uuid = _server(client, dbs)
    files = [{'path': '/etc/motd', 'contents': 'aGk='}]
    for args, version in (({'personality': files}, '2.57'),
                          ({'user_data': 'bmV3'}, '2.56'),
                          ({'user_data': 'not base64!'}, '2.57')):
        args['imageRef'] = conftest.IMAGE_ID
        resp = _action(client, uuid, {'rebuild': args}, version)
        assert resp.status_int == 400, (args, version)
    assert compute_rpc.rebuilt == []


def test_limits_without_personality_from_2_57(client, dbs):
    body = client.get('/v2.1/limits', version='2.57').json_body_or_none
    validation.validate(lim257.get_limit['response_body'], body)
    assert 'maxPersonality' not in body['limits']['absolute']
    old = client.get('/v2.1/limits', version='2.56').json_body_or_none
    assert 'maxPersonality' in old['limits']['absolute']


def test_quotas_without_injected_files_from_2_57(admin_client, dbs):
    url = '/v2.1/os-quota-sets/fake-project'
    body = admin_client.get(url, version='2.57').json_body_or_none
    validation.validate(q257.get_quota_set['response_body'], body)
    assert not INJECTED & set(body['quota_set'])
    body = admin_client.get(url + '/detail',
                            version='2.57').json_body_or_none
    validation.validate(q257.get_quota_set_details['response_body'], body)
    resp = admin_client.put(url, {'quota_set': {'instances': 5}},
                            version='2.57')
    validation.validate(q257.update_quota_set['response_body'],
                        resp.json_body_or_none)
    assert admin_client.put(url, {'quota_set': {'injected_files': 1}},
                            version='2.57').status_int == 400
    assert INJECTED <= set(admin_client.get(
        url, version='2.56').json_body_or_none['quota_set'])


def test_quota_classes_without_injected_files_from_2_57(admin_client, dbs):
    url = '/v2.1/os-quota-class-sets/default'
    body = admin_client.get(url, version='2.57').json_body_or_none
    validation.validate(qc257.get_quota_class_set['response_body'], body)
    resp = admin_client.put(url, {'quota_class_set': {'cores': 9}},
                            version='2.57')
    validation.validate(qc257.update_quota_class_set['response_body'],
                        resp.json_body_or_none)
    assert admin_client.put(url, {'quota_class_set': {
        'injected_file_path_bytes': 9}}, version='2.57').status_int == 400


# 2.58 ------------------------------------------------------------------------

def _add_actions(dbs, uuid, count):
    """``count`` reboot actions, req-0 the oldest."""
    for i in range(count):
        rctxt = nova_context.RequestContext(
            user_id='fake-user', project_id='fake-project',
            request_id=f'req-{i}')
        with nova_context.target_cell(rctxt, dbs.cell1) as cctxt:
            objects.InstanceAction.action_start(cctxt, uuid, 'reboot')


def test_actions_page_with_limit_and_marker_from_2_58(client, dbs, flavor):
    uuid = _server(client, dbs)
    _add_actions(dbs, uuid, 3)
    url = f'/v2.1/servers/{uuid}/os-instance-actions'
    body = client.get(url + '?limit=2', version='2.58').json_body_or_none
    validation.validate(v258.list_instance_actions['response_body'], body)
    first = [a['request_id'] for a in body['instanceActions']]
    assert len(first) == 2
    assert all(a['updated_at'] for a in body['instanceActions'])
    assert f'marker={first[-1]}' in body['links'][0]['href']
    rest = client.get(f'{url}?marker={first[-1]}',
                      version='2.58').json_body_or_none
    seen = first + [a['request_id'] for a in rest['instanceActions']]
    assert sorted(seen) == ['req-0', 'req-1', 'req-2']
    assert 'links' not in rest
    shown = client.get(f'{url}/req-1', version='2.58').json_body_or_none
    validation.validate(v258.show_instance_action['response_body'], shown)


def test_actions_changes_since_from_2_58(client, dbs, flavor):
    uuid = _server(client, dbs)
    _add_actions(dbs, uuid, 1)
    url = f'/v2.1/servers/{uuid}/os-instance-actions'
    body = client.get(url + '?changes-since=2000-01-01T00:00:00Z',
                      version='2.58').json_body_or_none
    assert [a['request_id'] for a in body['instanceActions']] == ['req-0']
    body = client.get(url + '?changes-since=2999-01-01T00:00:00Z',
                      version='2.58').json_body_or_none
    assert body['instanceActions'] == []


def test_actions_query_errors_from_2_58(client, dbs, flavor):
    uuid = _server(client, dbs)
    _add_actions(dbs, uuid, 1)
    url = f'/v2.1/servers/{uuid}/os-instance-actions'
    for query in ('marker=req-x', 'changes-since=yesterday', 'limit=-1',
                  'foo=bar'):
        resp = client.get(f'{url}?{query}', version='2.58')
        assert resp.status_int == 400, query
    # Before 2.58 the query string is not read.
    assert client.get(f'{url}?marker=req-x',
                      version='2.57').status_int == 200


# 2.59 ------------------------------------------------------------------------

def _migrations(dbs, uuid, count, **fields):
    made = []
    with _cell_ctxt(dbs) as cctxt:
        for i in range(count):
            values = {'instance_uuid': uuid, 'source_compute': 'host1',
                      'dest_compute': 'host2', 'source_node': 'host1',
                      'dest_node': 'host2', 'dest_host': 'host2',
                      'old_instance_type_id': 1, 'new_instance_type_id': 1,
                      'status': 'finished', 'migration_type': 'migration',
                      'hidden': False, 'user_id': 'fake-user',
                      'project_id': 'fake-project'}
            values.update(fields)
            migration = objects.Migration(cctxt, **values)
            migration.create()
            made.append(migration)
    return made


def test_migrations_have_uuids_and_page_from_2_59(admin_client, client,
                                                  dbs, flavor):
    uuid = _server(client, dbs)
    made = _migrations(dbs, uuid, 3)
    url = '/v2.1/os-migrations'
    body = admin_client.get(url + '?limit=2',
                            version='2.59').json_body_or_none
    # Tempest's 2.59 schema leaves out the documented migrations_links.
    validation.validate(mig259.list_migrations['response_body'],
                        {'migrations': body['migrations']})
    first = [m['uuid'] for m in body['migrations']]
    assert first == [made[2].uuid, made[1].uuid]
    assert f'marker={made[1].uuid}' in body['migrations_links'][0]['href']
    rest = admin_client.get(f'{url}?marker={made[1].uuid}',
                            version='2.59').json_body_or_none
    assert [m['uuid'] for m in rest['migrations']] == [made[0].uuid]
    assert 'migrations_links' not in rest
    old = admin_client.get(url, version='2.58').json_body_or_none
    assert 'uuid' not in old['migrations'][0]


def test_migrations_changes_since_and_errors_from_2_59(admin_client, client,
                                                      dbs, flavor):
    uuid = _server(client, dbs)
    _migrations(dbs, uuid, 1)
    url = '/v2.1/os-migrations'
    body = admin_client.get(url + '?changes-since=2999-01-01T00:00:00Z',
                            version='2.59').json_body_or_none
    assert body['migrations'] == []
    body = admin_client.get(url + '?changes-since=2000-01-01T00:00:00Z',
                            version='2.59').json_body_or_none
    assert len(body['migrations']) == 1
    for query in ('marker=9f3c4a4e-0000-4000-8000-000000000000',
                  'changes-since=soon', 'sort=asc'):
        resp = admin_client.get(f'{url}?{query}', version='2.59')
        assert resp.status_int == 400, query
    assert admin_client.get(url + '?sort=asc',
                            version='2.58').status_int == 200


def test_live_migrations_in_progress_have_uuids_from_2_59(
        admin_client, client, dbs, flavor):
    uuid = _server(client, dbs)
    (migration,) = _migrations(dbs, uuid, 1, status='running',
                               migration_type='live-migration')
    body = admin_client.get(f'/v2.1/servers/{uuid}/migrations',
                            version='2.59').json_body_or_none
    validation.validate(v259.list_live_migrations['response_body'], body)
    assert body['migrations'][0]['uuid'] == migration.uuid


# 2.61 ------------------------------------------------------------------------

def test_flavor_views_carry_extra_specs_from_2_61(admin_client, client,
                                                  dbs, flavor):
    admin_client.post('/v2.1/flavors/2/os-extra_specs',
                      {'extra_specs': {'hw:cpu_policy': 'shared'}})
    for url in ('/v2.1/flavors/2', '/v2.1/flavors/detail'):
        body = client.get(url, version='2.61').json_body_or_none
        shown = body.get('flavor') or body['flavors'][0]
        assert shown['extra_specs'] == {'hw:cpu_policy': 'shared'}, url
        old = client.get(url, version='2.60').json_body_or_none
        assert 'extra_specs' not in (old.get('flavor') or
                                     old['flavors'][0])
    validation.validate(fl261.create_update_get_flavor_details[
        'response_body'], client.get('/v2.1/flavors/2',
                                     version='2.61').json_body_or_none)
    # The short list has no extra specs; a new flavor has none.
    listed = client.get('/v2.1/flavors', version='2.61').json_body_or_none
    assert 'extra_specs' not in listed['flavors'][0]
    created = admin_client.post('/v2.1/flavors', {'flavor': {
        'name': 'x', 'ram': 64, 'vcpus': 1, 'disk': 1}},
        version='2.61').json_body_or_none
    assert created['flavor']['extra_specs'] == {}


def test_extra_specs_in_flavor_views_follow_their_policy(client, dbs,
                                                         flavor, conf):
    from oslo_policy import policy as oslo_policy

    from nova import policy
    enforcer = policy.get_enforcer()
    enforcer.load_rules()
    enforcer.set_rules(oslo_policy.Rules.from_dict(
        {'os_compute_api:os-flavor-extra-specs:index': '!'}),
        overwrite=False)
    body = client.get('/v2.1/flavors/2', version='2.61').json_body_or_none
    assert 'extra_specs' not in body['flavor']


# 2.62 ------------------------------------------------------------------------

def _event_on_host(dbs, uuid, host):
    rctxt = nova_context.RequestContext(
        user_id='fake-user', project_id='fake-project', request_id='req-h')
    with nova_context.target_cell(rctxt, dbs.cell1) as cctxt:
        objects.InstanceAction.action_start(cctxt, uuid, 'reboot')
        objects.InstanceActionEvent.event_start(
            cctxt, uuid, 'compute_reboot_instance', host=host)


def test_action_events_carry_host_id_and_host_from_2_62(admin_client,
                                                        client, dbs,
                                                        flavor):
    uuid = _server(client, dbs)
    _event_on_host(dbs, uuid, 'host1')
    url = f'/v2.1/servers/{uuid}/os-instance-actions/req-h'
    body = client.get(url, version='2.62').json_body_or_none
    validation.validate(v262.show_instance_action['response_body'], body)
    (event,) = body['instanceAction']['events']
    assert 'host' not in event
    # The same opaque id as the server's hostId.
    server = client.get(f'/v2.1/servers/{uuid}').json_body_or_none['server']
    assert event['hostId'] == server['hostId'] != ''
    admin = admin_client.get(url, version='2.62').json_body_or_none
    assert admin['instanceAction']['events'][0]['host'] == 'host1'
    old = admin_client.get(url, version='2.61').json_body_or_none
    assert 'hostId' not in old['instanceAction']['events'][0]
