"""Microversions from 2.66 on.

2.66: the ``changes-before`` filter of server lists, instance actions and
migrations. 2.67: ``volume_type`` in block device mappings. 2.68: no
more ``force`` in live migration and evacuate. 2.69: partial servers and
compute services of a cell that does not answer."""

import datetime

import pytest
import sqlalchemy as sa
from oslo_db import exception as db_exc

from nova import context as nova_context
from nova import objects
from nova.db.main import api as main_db
from nova.db.main import models
from nova.tests.unit.api import conftest
from nova.tests.unit.api.openstack.compute import hosts_fixture, test_servers
from nova.tests.unit.api.openstack.compute.test_microversions_2_56_2_62 import (
    _add_actions,
    _migrations,
)

flavor = test_servers.flavor

PAST = '2000-01-01T00:00:00Z'
FUTURE = '2999-01-01T00:00:00Z'


def _server(client, dbs, name='vm', changed=None):
    resp = test_servers._boot(client, name=name, version='2.66',
                              networks='none')
    assert resp.status_int == 202, resp.body
    uuid = resp.json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid)
    if changed is not None:
        _set_changed(dbs, models.Instance, models.Instance.uuid == uuid,
                     changed)
    return uuid


def _set_changed(dbs, model, where, when):
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt, \
            main_db.get_context_manager(cctxt).writer.using(cctxt) as session:
        session.execute(sa.update(model).where(where).values(
            updated_at=when))


def _names(client, query, version='2.66', detail=False, admin=None):
    url = '/v2.1/servers/detail' if detail else '/v2.1/servers'
    resp = (admin or client).get(f'{url}?{query}', version=version)
    assert resp.status_int == 200, resp.body
    return sorted(s['name'] for s in resp.json_body_or_none['servers'])


# 2.66: servers ---------------------------------------------------------------

def test_servers_changed_before(client, dbs, flavor):
    _server(client, dbs, 'old', changed=datetime.datetime(2020, 1, 1))
    _server(client, dbs, 'new', changed=datetime.datetime(2022, 1, 1))
    for detail in (False, True):
        assert _names(client, 'changes-before=2021-01-01T00:00:00Z',
                      detail=detail) == ['old']
        # The bound is included.
        assert _names(client, 'changes-before=2022-01-01T00:00:00Z',
                      detail=detail) == ['new', 'old']
        assert _names(client, 'changes-since=2020-06-01T00:00:00Z&'
                              'changes-before=2022-01-01T00:00:00Z',
                      detail=detail) == ['new']
        assert _names(client, f'changes-before={PAST}',
                      detail=detail) == []


def test_servers_changed_before_include_deleted_ones(client, dbs, flavor):
    uuid = _server(client, dbs, 'gone')
    assert client.delete(f'/v2.1/servers/{uuid}').status_int == 204
    body = client.get(f'/v2.1/servers/detail?changes-before={FUTURE}',
                      version='2.66').json_body_or_none
    assert [(s['name'], s['status']) for s in body['servers']] == [
        ('gone', 'DELETED')]
    assert _names(client, '') == []


def test_servers_changes_before_ignored_before_2_66(client, dbs, flavor):
    _server(client, dbs, 'vm')
    assert _names(client, f'changes-before={PAST}', version='2.65') == [
        'vm']


@pytest.mark.parametrize('query', [
    'changes-before=yesterday',
    f'changes-since={FUTURE}&changes-before={PAST}',
    f'changes-before={PAST}&changes-before={FUTURE}'])
def test_servers_changes_before_errors(client, dbs, flavor, query):
    for url in ('/v2.1/servers', '/v2.1/servers/detail'):
        resp = client.get(f'{url}?{query}', version='2.66')
        assert resp.status_int == 400, (url, query)
        assert 'changes-' in resp.text


# 2.66: instance actions ------------------------------------------------------

def test_actions_changed_before(client, dbs, flavor):
    uuid = _server(client, dbs)
    _add_actions(dbs, uuid, 2)
    A = models.InstanceAction
    _set_changed(dbs, A, sa.and_(A.instance_uuid == uuid,
                                 A.request_id == 'req-0'),
                 datetime.datetime(2020, 1, 1))
    url = f'/v2.1/servers/{uuid}/os-instance-actions'

    def request_ids(query, version='2.66'):
        resp = client.get(f'{url}?{query}', version=version)
        assert resp.status_int == 200, resp.body
        return sorted(a['request_id']
                      for a in resp.json_body_or_none['instanceActions'])
    assert request_ids('changes-before=2021-01-01T00:00:00Z') == ['req-0']
    assert 'req-1' in request_ids(f'changes-before={FUTURE}')
    assert request_ids(f'changes-before={PAST}') == []
    assert request_ids('changes-since=2021-01-01T00:00:00Z&'
                       f'changes-before={FUTURE}') == ['req-1']


def test_actions_changes_before_errors(client, dbs, flavor):
    uuid = _server(client, dbs)
    url = f'/v2.1/servers/{uuid}/os-instance-actions'
    for query, version in (
            ('changes-before=soon', '2.66'),
            (f'changes-since={FUTURE}&changes-before={PAST}', '2.66'),
            # Before 2.66 it is an unknown parameter.
            (f'changes-before={FUTURE}', '2.65')):
        resp = client.get(f'{url}?{query}', version=version)
        assert resp.status_int == 400, (query, version)
        assert 'changes-' in resp.text


# 2.66: migrations ------------------------------------------------------------

def test_migrations_changed_before(admin_client, client, dbs, flavor):
    uuid = _server(client, dbs)
    old, new = _migrations(dbs, uuid, 2)
    M = models.Migration
    _set_changed(dbs, M, M.id == old.id, datetime.datetime(2020, 1, 1))

    def uuids(query, version='2.66'):
        resp = admin_client.get(f'/v2.1/os-migrations?{query}',
                                version=version)
        assert resp.status_int == 200, resp.body
        return [m['uuid'] for m in resp.json_body_or_none['migrations']]
    assert uuids('changes-before=2021-01-01T00:00:00Z') == [old.uuid]
    assert uuids(f'changes-before={FUTURE}') == [new.uuid, old.uuid]
    assert uuids(f'changes-before={PAST}') == []
    assert uuids('changes-since=2021-01-01T00:00:00Z&'
                 f'changes-before={FUTURE}') == [new.uuid]


def test_migrations_changes_before_errors(admin_client, dbs):
    for query, version in (
            ('changes-before=soon', '2.66'),
            (f'changes-since={FUTURE}&changes-before={PAST}', '2.66'),
            (f'changes-before={FUTURE}', '2.65')):
        resp = admin_client.get(f'/v2.1/os-migrations?{query}',
                                version=version)
        assert resp.status_int == 400, (query, version)
        assert 'changes-' in resp.text



# 2.67: volume_type -----------------------------------------------------------

def _root_bdm(**extra):
    bdm = {'source_type': 'image', 'destination_type': 'local',
           'uuid': conftest.IMAGE_ID, 'boot_index': 0}
    bdm.update(extra)
    return bdm


def _boot_bdm(client, bdm, version='2.67'):
    return test_servers._boot(client, version=version, networks='none',
                              block_device_mapping_v2=[bdm])


def test_null_volume_type_on_the_image_root_disk(client, dbs, flavor):
    assert _boot_bdm(client, _root_bdm(volume_type=None)).status_int == 202
    assert _boot_bdm(client, _root_bdm()).status_int == 202


@pytest.mark.parametrize('bdm', [
    _root_bdm(volume_type='ssd'),
    {'source_type': 'image', 'uuid': conftest.IMAGE_ID, 'boot_index': 0,
     'volume_type': 'ssd'}])
def test_volume_type_on_a_local_disk_is_400(client, dbs, flavor, bdm):
    resp = _boot_bdm(client, bdm)
    assert resp.status_int == 400
    assert 'volume_type' in resp.text
    assert 'destination_type=local' in resp.text


def test_volume_type_on_a_volume_is_refused_here(client, dbs, flavor):
    """Valid at 2.67; this cloud has no volumes to create (400)."""
    resp = _boot_bdm(client, _root_bdm(destination_type='volume',
                                       volume_size=1, volume_type='ssd'))
    assert resp.status_int == 400
    assert 'not supported by this cloud' in resp.text


@pytest.mark.parametrize('bdm, version', [
    (_root_bdm(volume_type='ssd'), '2.66'),
    (_root_bdm(volume_type=None), '2.66'),
    (_root_bdm(volume_type='x' * 256), '2.67'),
    (_root_bdm(volume_type=3), '2.67')])
def test_volume_type_errors(client, dbs, flavor, bdm, version):
    resp = _boot_bdm(client, bdm, version=version)
    assert resp.status_int == 400, (bdm, version)
    assert 'volume_type' in resp.text


# 2.68: no force --------------------------------------------------------------

class MoveRecorder(conftest.FakeComputeTaskAPI):
    def __init__(self):
        super().__init__()
        self.moves = []

    def live_migrate_instance(self, ctxt, instance, host, block_migration,
                              force):
        self.moves.append(('live', host, force))

    def evacuate_instance(self, ctxt, instance, host, admin_password,
                          force=False):
        self.moves.append(('evacuate', host, force))


@pytest.fixture
def conductor(monkeypatch, peers):
    from nova.compute import api as compute_api
    recorder = MoveRecorder()
    monkeypatch.setattr(compute_api.API, 'compute_task_api', recorder)
    return recorder


def _move(admin_client, uuid, name, args, version):
    return admin_client.post(f'/v2.1/servers/{uuid}/action', {name: args},
                             version=version)


@pytest.mark.parametrize('name, args', [
    ('os-migrateLive', {'host': 'host2', 'block_migration': 'auto',
                        'force': True}),
    ('evacuate', {'host': 'host2', 'force': True})])
def test_force_is_refused_from_2_68(admin_client, client, dbs, flavor,
                                    conductor, name, args):
    hosts_fixture.add_compute(dbs, 'host2')
    uuid = _server(client, dbs)
    resp = _move(admin_client, uuid, name, args, '2.68')
    assert resp.status_int == 400
    assert 'force' in resp.text
    assert conductor.moves == []
    # 2.67 still takes it.
    assert _move(admin_client, uuid, name, args, '2.67').status_int in (
        200, 202)
    assert conductor.moves[0][2] is True


def test_live_migrate_and_evacuate_without_force_at_2_68(
        admin_client, client, dbs, flavor, conductor):
    hosts_fixture.add_compute(dbs, 'host2')
    live = _server(client, dbs, 'live')
    resp = _move(admin_client, live, 'os-migrateLive',
                 {'host': 'host2', 'block_migration': 'auto'}, '2.68')
    assert resp.status_int == 202
    evacuated = _server(client, dbs, 'evacuated')
    resp = _move(admin_client, evacuated, 'evacuate', {'host': 'host2'},
                 '2.68')
    assert resp.status_int == 200
    assert conductor.moves == [('live', 'host2', False),
                               ('evacuate', 'host2', False)]


# 2.69: a cell that does not answer -------------------------------------------

@pytest.fixture
def cell1_down(monkeypatch, dbs):
    """cell1's database cannot be reached (cell2 answers)."""
    def failing(original):
        def read(cls, context, *args, **kwargs):
            if getattr(context, 'cell_uuid', None) == dbs.cell1.uuid:
                raise db_exc.DBConnectionError('cell1 is unreachable')
            return original(context, *args, **kwargs)
        return classmethod(read)
    for cls, name in ((objects.InstanceList, 'get_by_filters'),
                      (objects.Instance, 'get_by_uuid'),
                      (objects.ServiceList, 'get_all')):
        monkeypatch.setattr(cls, name, failing(getattr(cls, name)))


@pytest.fixture
def cell2(dbs):
    return dbs.add_cell(name='cell2')


def _server_in(client, dbs, cell, name, **extra):
    resp = test_servers._boot(client, name=name, version='2.69',
                              networks='none', **extra)
    uuid = resp.json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid, cell=cell)
    return uuid


def _list(client, path, version='2.69', **kwargs):
    resp = client.get(path, version=version, **kwargs)
    assert resp.status_int == 200, resp.body
    return resp.json_body_or_none['servers']


def test_lists_show_servers_of_a_down_cell_partially(client, dbs, flavor,
                                                     cell2, cell1_down):
    down = _server_in(client, dbs, dbs.cell1, 'down')
    up = _server_in(client, dbs, cell2, 'up')
    short = {s['id']: s for s in _list(client, '/v2.1/servers')}
    assert set(short) == {down, up}
    assert set(short[down]) == {'id', 'status', 'links'}
    assert short[down]['status'] == 'UNKNOWN'
    assert short[down]['links'][0]['href'].endswith(f'/servers/{down}')
    assert short[up]['name'] == 'up'
    detail = {s['id']: s for s in _list(client, '/v2.1/servers/detail')}
    assert set(detail[down]) == {'id', 'status', 'links', 'tenant_id',
                                 'created'}
    assert detail[down]['tenant_id'] == 'fake-project'
    assert detail[down]['created'].endswith('Z')
    assert detail[up]['status'] == 'ACTIVE'
    # Newest first, as the list is by default.
    from nova.db.api import api as api_db
    from nova.db.api import models as api_models
    M = api_models.InstanceMapping
    with api_db.context_manager.writer.using(
            nova_context.get_admin_context()) as session:
        session.execute(sa.update(M).where(M.instance_uuid == down).values(
            created_at=datetime.datetime(2020, 1, 1)))
    assert [s['id'] for s in _list(client, '/v2.1/servers')] == [up, down]
    assert _list(client, '/v2.1/servers/detail')[1]['created'] == \
        '2020-01-01T00:00:00Z'


def test_lists_leave_down_cells_out_before_2_69(client, dbs, flavor, cell2,
                                                cell1_down):
    _server_in(client, dbs, dbs.cell1, 'down')
    up = _server_in(client, dbs, cell2, 'up')
    for path in ('/v2.1/servers', '/v2.1/servers/detail'):
        assert [s['id'] for s in _list(client, path, version='2.68')] == [
            up]


@pytest.mark.parametrize('query', ['name=down', 'limit=5', 'sort_key=uuid',
                                   'status=ACTIVE', 'deleted=true'])
def test_filtered_sorted_or_paged_lists_leave_down_cells_out(
        admin_client, client, dbs, flavor, cell2, cell1_down, query):
    _server_in(client, dbs, dbs.cell1, 'down')
    up = _server_in(client, dbs, cell2, 'up')
    ids = [s['id'] for s in _list(admin_client,
                                  f'/v2.1/servers?all_tenants=1&{query}')]
    assert ids in ([up], []), query


def test_partial_servers_follow_the_project(admin_client, client, dbs,
                                            flavor, cell1_down, app):
    from nova.tests.unit.api import conftest as api_conftest
    mine = _server_in(client, dbs, dbs.cell1, 'mine')
    other = api_conftest.Client(app, token='other-user:other-project')
    theirs = _server_in(other, dbs, dbs.cell1, 'theirs')
    assert [s['id'] for s in _list(client, '/v2.1/servers')] == [mine]
    everyone = _list(admin_client, '/v2.1/servers?all_tenants=1')
    assert {s['id'] for s in everyone} == {mine, theirs}
    one = _list(admin_client,
                '/v2.1/servers?all_tenants=1&project_id=other-project')
    assert [s['id'] for s in one] == [theirs]
    # Deleted through the API meanwhile: not listed.
    mapping = objects.InstanceMapping.get_by_instance_uuid(
        nova_context.get_admin_context(), mine)
    mapping.queued_for_delete = True
    mapping.save()
    assert _list(client, '/v2.1/servers') == []


def test_show_a_server_of_a_down_cell(client, dbs, flavor, cell1_down):
    uuid = _server_in(client, dbs, dbs.cell1, 'down')
    spec = objects.RequestSpec.get_by_instance_uuid(
        nova_context.get_admin_context(), uuid)
    spec.availability_zone = 'geneva'
    spec.save()
    resp = client.get(f'/v2.1/servers/{uuid}', version='2.69')
    assert resp.status_int == 200
    server = resp.json_body_or_none['server']
    assert set(server) == {
        'id', 'status', 'links', 'tenant_id', 'created', 'user_id',
        'image', 'flavor', 'OS-EXT-AZ:availability_zone',
        'OS-EXT-STS:power_state'}
    assert (server['status'], server['user_id'], server['tenant_id'],
            server['OS-EXT-STS:power_state']) == (
        'UNKNOWN', 'fake-user', 'fake-project', 0)
    assert server['image']['id'] == conftest.IMAGE_ID
    assert (server['flavor']['vcpus'], server['flavor']['ram'],
            server['flavor']['original_name']) == (1, 2048, 'm1.small')
    assert server['OS-EXT-AZ:availability_zone'] == 'geneva'


def test_show_without_a_requested_zone_says_unknown(client, dbs, flavor,
                                                    cell1_down):
    uuid = _server_in(client, dbs, dbs.cell1, 'down')
    server = client.get(f'/v2.1/servers/{uuid}',
                        version='2.69').json_body_or_none['server']
    assert server['OS-EXT-AZ:availability_zone'] == 'UNKNOWN'


def test_show_a_server_of_a_down_cell_before_2_69_is_503(client, dbs,
                                                         flavor, cell1_down):
    uuid = _server_in(client, dbs, dbs.cell1, 'down')
    resp = client.get(f'/v2.1/servers/{uuid}', version='2.68')
    assert resp.status_int == 503
    assert uuid in resp.text and 'not answering' in resp.text


def test_show_of_another_projects_server_in_a_down_cell_is_404(
        client, dbs, flavor, cell1_down, app):
    from nova.tests.unit.api import conftest as api_conftest
    uuid = _server_in(client, dbs, dbs.cell1, 'down')
    other = api_conftest.Client(app, token='other-user:other-project')
    assert other.get(f'/v2.1/servers/{uuid}',
                     version='2.69').status_int == 404


def test_services_of_a_down_cell(admin_client, dbs, cell1_down):
    hosts_fixture.add_compute(dbs, 'host1')
    hosts_fixture.add_service(dbs, 'ctl', binary='nova-scheduler')
    resp = admin_client.get('/v2.1/os-services', version='2.69')
    assert resp.status_int == 200
    assert resp.json_body_or_none['services'] == [
        {'binary': 'nova-compute', 'host': 'host1', 'status': 'UNKNOWN'}]
    for query, expected in (('host=host1', 1), ('host=other', 0),
                            ('binary=nova-compute', 1),
                            ('binary=nova-scheduler', 0)):
        found = admin_client.get(f'/v2.1/os-services?{query}',
                                 version='2.69').json_body_or_none
        assert len(found['services']) == expected, query
    old = admin_client.get('/v2.1/os-services', version='2.68')
    assert old.json_body_or_none['services'] == []
