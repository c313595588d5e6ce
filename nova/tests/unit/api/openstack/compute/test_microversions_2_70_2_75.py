"""Microversions from 2.70 on.

2.70: device tags of volume attachments and port interfaces, which this
cloud does not offer (the resources stay 404). 2.71: ``server_groups`` in
the show, update and rebuild answers. 2.72: ports with a resource
request at create (this cloud takes no ports: still 400). 2.73: the
reason of a lock, and the ``locked`` list filter. 2.74: booting on a
given host and/or node. 2.75: strict server list queries, full update and
rebuild answers, swap 0, hypervisors' servers always listed."""

import pytest
from tempest.lib.api_schema.response.compute.v2_71 import servers as v271
from tempest.lib.api_schema.response.compute.v2_73 import servers as v273
from tempest.lib.api_schema.response.compute.v2_75 import servers as v275

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api import conftest
from nova.tests.unit.api.openstack.compute import hosts_fixture, test_servers
from nova.tests.unit.api.openstack.compute.test_microversions_2_66_2_69 import (
    cell1_down,
)

flavor = test_servers.flavor
_fixtures = (cell1_down,)


class RebuildRecorder(conftest.FakeComputeRPCAPI):
    def rebuild_instance(self, ctxt, instance, image_ref, admin_password,
                         preserve_ephemeral=False):
        pass


@pytest.fixture
def compute_rpc(monkeypatch, peers):
    from nova.compute import api as compute_api
    rpc = RebuildRecorder()
    monkeypatch.setattr(compute_api.API, 'compute_rpcapi', rpc)
    return rpc


def _server(client, dbs, group=None, version='2.71'):
    body = {'server': {'name': 'vm', 'flavorRef': '2', 'networks': 'none',
                       'imageRef': conftest.IMAGE_ID}}
    if group is not None:
        body['os:scheduler_hints'] = {'group': group}
    resp = client.post('/v2.1/servers', body, version=version)
    assert resp.status_int == 202, resp.body
    uuid = resp.json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid)
    return uuid


def _group(client):
    resp = client.post('/v2.1/os-server-groups', {'server_group': {
        'name': 'g', 'policy': 'anti-affinity'}}, version='2.71')
    return resp.json_body_or_none['server_group']['id']


# 2.70 ------------------------------------------------------------------------

@pytest.mark.parametrize('path', ['os-interface', 'os-volume_attachments'])
def test_tagged_device_resources_are_not_offered(client, dbs, flavor, path):
    uuid = _server(client, dbs)
    resp = client.get(f'/v2.1/servers/{uuid}/{path}', version='2.70')
    assert resp.status_int == 404


# 2.71 ------------------------------------------------------------------------

def test_show_update_and_rebuild_carry_server_groups(client, dbs, flavor,
                                                     compute_rpc):
    group = _group(client)
    uuid = _server(client, dbs, group=group)
    body = client.get(f'/v2.1/servers/{uuid}', version='2.71').json_body_or_none
    validation.validate(v271.get_server['response_body'], body)
    assert body['server']['server_groups'] == [group]
    body = client.put(f'/v2.1/servers/{uuid}', {'server': {'name': 'x'}},
                      version='2.71').json_body_or_none
    validation.validate(v271.update_server['response_body'], body)
    assert body['server']['server_groups'] == [group]
    resp = client.post(f'/v2.1/servers/{uuid}/action', {'rebuild': {
        'imageRef': conftest.IMAGE_ID}}, version='2.71')
    assert resp.status_int == 202
    body = resp.json_body_or_none
    validation.validate(v271.rebuild_server_with_admin_pass['response_body'],
                        body)
    assert body['server']['server_groups'] == [group]


def test_server_outside_groups_has_empty_server_groups(client, dbs, flavor):
    uuid = _server(client, dbs)
    body = client.get(f'/v2.1/servers/{uuid}', version='2.71').json_body_or_none
    assert body['server']['server_groups'] == []


def test_server_groups_not_in_lists_nor_before_2_71(client, dbs, flavor):
    uuid = _server(client, dbs, group=_group(client))
    for path, version in ((f'/v2.1/servers/{uuid}', '2.70'),
                          ('/v2.1/servers/detail', '2.71')):
        body = client.get(path, version=version).json_body_or_none
        server = body.get('server') or body['servers'][0]
        assert 'server_groups' not in server, (path, version)


def test_server_of_a_down_cell_shows_its_server_groups(client, dbs, flavor,
                                                       request):
    group = _group(client)
    uuid = _server(client, dbs, group=group)
    request.getfixturevalue('cell1_down')
    server = client.get(f'/v2.1/servers/{uuid}',
                        version='2.71').json_body_or_none['server']
    assert (server['status'], server['server_groups']) == ('UNKNOWN',
                                                           [group])
    old = client.get(f'/v2.1/servers/{uuid}',
                     version='2.70').json_body_or_none['server']
    assert 'server_groups' not in old


# 2.72 ------------------------------------------------------------------------

def test_ports_are_still_refused_at_2_72(client, dbs, flavor):
    server = {'name': 'vm', 'flavorRef': '2', 'imageRef': conftest.IMAGE_ID,
              'networks': [{'port': '2ab1c3d4-0000-4000-8000-000000000001'}]}
    resp = client.post('/v2.1/servers', {'server': server}, version='2.72')
    assert resp.status_int == 400
    assert 'Ports are not supported' in resp.text


# 2.73 ------------------------------------------------------------------------

def _lock(client, uuid, args, version='2.73'):
    return client.post(f'/v2.1/servers/{uuid}/action', {'lock': args},
                       version=version)


def test_lock_with_a_reason_shows_it(client, dbs, flavor, compute_rpc):
    uuid = _server(client, dbs)
    assert _lock(client, uuid, {'locked_reason': 'maintenance'}
                 ).status_int == 202
    body = client.get(f'/v2.1/servers/{uuid}', version='2.73').json_body_or_none
    validation.validate(v273.get_server['response_body'], body)
    assert (body['server']['locked'], body['server']['locked_reason']) == (
        True, 'maintenance')
    detail = client.get('/v2.1/servers/detail',
                        version='2.73').json_body_or_none
    validation.validate(v273.list_servers_detail['response_body'], detail)
    assert detail['servers'][0]['locked_reason'] == 'maintenance'
    updated = client.put(f'/v2.1/servers/{uuid}', {'server': {'name': 'x'}},
                         version='2.73').json_body_or_none
    validation.validate(v273.update_server['response_body'], updated)
    assert updated['server']['locked_reason'] == 'maintenance'
    old = client.get(f'/v2.1/servers/{uuid}', version='2.72').json_body_or_none
    assert 'locked_reason' not in old['server']
    # Unlocking forgets the reason.
    client.post(f'/v2.1/servers/{uuid}/action', {'unlock': None},
                version='2.73')
    body = client.get(f'/v2.1/servers/{uuid}', version='2.73').json_body_or_none
    assert (body['server']['locked'], body['server']['locked_reason']) == (
        False, None)


@pytest.mark.parametrize('args', [None, {}])
def test_lock_without_a_reason(client, dbs, flavor, args):
    uuid = _server(client, dbs)
    assert _lock(client, uuid, args).status_int == 202
    server = client.get(f'/v2.1/servers/{uuid}',
                        version='2.73').json_body_or_none['server']
    assert (server['locked'], server['locked_reason']) == (True, None)


def test_locking_again_without_a_reason_clears_it(client, dbs, flavor):
    uuid = _server(client, dbs)
    _lock(client, uuid, {'locked_reason': 'first'})
    _lock(client, uuid, None)
    server = client.get(f'/v2.1/servers/{uuid}',
                        version='2.73').json_body_or_none['server']
    assert server['locked_reason'] is None


@pytest.mark.parametrize('args, version', [
    ({'locked_reason': 'why'}, '2.72'), ({'locked_reason': ''}, '2.73'),
    ({'locked_reason': 'x' * 256}, '2.73'), ({'locked_reason': 5}, '2.73'),
    ({'reason': 'why'}, '2.73')])
def test_lock_body_errors(client, dbs, flavor, args, version):
    uuid = _server(client, dbs)
    resp = _lock(client, uuid, args, version=version)
    assert resp.status_int == 400, (args, version)
    assert 'lock' in resp.text
    server = client.get(f'/v2.1/servers/{uuid}',
                        version='2.73').json_body_or_none['server']
    assert server['locked'] is False


def test_locked_filter_from_2_73(client, dbs, flavor):
    locked = _server(client, dbs)
    unlocked = _server(client, dbs)
    _lock(client, locked, None)
    # One still waiting for a host: never locked.
    building = client.post('/v2.1/servers', {'server': {
        'name': 'b', 'flavorRef': '2', 'networks': 'none',
        'imageRef': conftest.IMAGE_ID}}, version='2.73'
    ).json_body_or_none['server']['id']

    def ids(query, version='2.73'):
        resp = client.get(f'/v2.1/servers?{query}', version=version)
        assert resp.status_int == 200, resp.body
        return {s['id'] for s in resp.json_body_or_none['servers']}
    assert ids('locked=true') == {locked}
    assert ids('locked=False') == {unlocked, building}
    # Ignored before 2.73, like any unknown filter then.
    assert ids('locked=true', version='2.72') == {locked, unlocked, building}
    for value in ('maybe', ''):
        resp = client.get(f'/v2.1/servers/detail?locked={value}',
                          version='2.73')
        assert resp.status_int == 400, value
        assert 'locked' in resp.text


# 2.74 ------------------------------------------------------------------------

def _boot_on(client, version='2.74', **extra):
    server = {'name': 'vm', 'flavorRef': '2', 'networks': 'none',
              'imageRef': conftest.IMAGE_ID}
    server.update(extra)
    return client.post('/v2.1/servers', {'server': server}, version=version)


@pytest.mark.parametrize('extra, hosts, nodes', [
    ({'host': 'host1'}, ['host1'], None),
    ({'hypervisor_hostname': 'host1'}, None, ['host1']),
    ({'host': 'host1', 'hypervisor_hostname': 'host1'}, ['host1'],
     ['host1'])])
def test_boot_on_a_requested_host_and_node(admin_client, dbs, flavor, peers,
                                           extra, hosts, nodes):
    hosts_fixture.add_compute(dbs, 'host1')
    resp = _boot_on(admin_client, **extra)
    assert resp.status_int == 202, resp.body
    (cast,) = peers['task_api'].casts
    (spec,) = cast['request_specs']
    assert (spec.force_hosts, spec.force_nodes) == (hosts, nodes)
    # For this placement only: the stored spec does not keep it.
    stored = objects.RequestSpec.get_by_instance_uuid(
        nova_context.get_admin_context(),
        resp.json_body_or_none['server']['id'])
    assert not stored.force_hosts and not stored.force_nodes


@pytest.mark.parametrize('extra, field', [
    ({'host': 'nowhere'}, 'host'),
    ({'hypervisor_hostname': 'nowhere'}, 'hypervisor_hostname'),
    ({'host': 'host1', 'hypervisor_hostname': 'host2'},
     'hypervisor_hostname'),
    ({'host': 'host1', 'availability_zone': 'nova:host1'}, 'host'),
    ({'host': 'bad host'}, 'host'),
    ({'hypervisor_hostname': ''}, 'hypervisor_hostname')])
def test_requested_destination_errors(admin_client, dbs, flavor, peers,
                                      extra, field):
    hosts_fixture.add_compute(dbs, 'host1')
    hosts_fixture.add_compute(dbs, 'host2')
    resp = _boot_on(admin_client, **extra)
    assert resp.status_int == 400, extra
    assert field in resp.text
    assert peers['task_api'].casts == []


def test_requested_destination_before_2_74_is_400(admin_client, dbs, flavor,
                                                  peers):
    hosts_fixture.add_compute(dbs, 'host1')
    for extra in ({'host': 'host1'}, {'hypervisor_hostname': 'host1'}):
        resp = _boot_on(admin_client, version='2.73', **extra)
        assert resp.status_int == 400
        assert next(iter(extra)) in resp.text


def test_requested_destination_is_for_admins(client, dbs, flavor, peers):
    hosts_fixture.add_compute(dbs, 'host1')
    assert _boot_on(client, host='host1').status_int == 403
    assert peers['task_api'].casts == []


# 2.75 ------------------------------------------------------------------------

@pytest.mark.parametrize('path', ['/v2.1/servers', '/v2.1/servers/detail'])
def test_unknown_server_list_parameters_are_400_from_2_75(client, dbs,
                                                          flavor, path):
    _server(client, dbs)
    resp = client.get(f'{path}?foo=bar', version='2.75')
    assert resp.status_int == 400
    assert 'foo' in resp.text
    for query in ('metadata=x', 'pci_devices=x', 'sort_key=architecture'):
        assert client.get(f'{path}?{query}',
                          version='2.75').status_int == 400, query
    assert client.get(f'{path}?foo=bar', version='2.74').status_int == 200
    # Known parameters, though this cloud ignores some of them.
    for query in ('progress=1', 'soft_deleted=true', 'kernel_id=k',
                  'name=vm', 'locked=false', 'limit=1', 'sort_key=uuid',
                  'changes-before=2999-01-01T00:00:00Z'):
        resp = client.get(f'{path}?{query}', version='2.75')
        assert resp.status_int == 200, (query, resp.body)


def test_update_answer_is_the_full_server_from_2_75(admin_client, client,
                                                    dbs, flavor):
    uuid = _server(client, dbs)
    body = client.put(f'/v2.1/servers/{uuid}', {'server': {'name': 'x'}},
                      version='2.75').json_body_or_none
    validation.validate(v275.update_server['response_body'], body)
    shown = client.get(f'/v2.1/servers/{uuid}',
                       version='2.75').json_body_or_none
    assert set(body['server']) == set(shown['server'])
    assert body['server']['OS-EXT-STS:vm_state'] == 'active'
    old = client.put(f'/v2.1/servers/{uuid}', {'server': {'name': 'y'}},
                     version='2.74').json_body_or_none['server']
    assert 'OS-EXT-STS:vm_state' not in old
    admin = admin_client.put(f'/v2.1/servers/{uuid}',
                             {'server': {'name': 'z'}},
                             version='2.75').json_body_or_none['server']
    assert admin['OS-EXT-SRV-ATTR:host'] == 'host1'
    assert 'host_status' in admin


def test_rebuild_answer_is_the_full_server_from_2_75(admin_client, client,
                                                     dbs, flavor,
                                                     compute_rpc):
    uuid = _server(client, dbs)
    resp = admin_client.post(f'/v2.1/servers/{uuid}/action', {'rebuild': {
        'imageRef': conftest.IMAGE_ID, 'user_data': 'bmV3'}},
        version='2.75')
    assert resp.status_int == 202
    body = resp.json_body_or_none
    validation.validate(v275.rebuild_server_with_admin_pass['response_body'],
                        body)
    server = body['server']
    assert server['user_data'] == 'bmV3'
    assert 'OS-EXT-SRV-ATTR:user_data' not in server
    assert server['OS-EXT-SRV-ATTR:host'] == 'host1'
    assert server['OS-EXT-STS:task_state'] == 'rebuilding'
    assert 'adminPass' in server


def test_flavor_without_swap_shows_0_from_2_75(client, dbs, flavor):
    assert client.get('/v2.1/flavors/2', version='2.75').json_body_or_none[
        'flavor']['swap'] == 0
    assert client.get('/v2.1/flavors/detail', version='2.75'
                      ).json_body_or_none['flavors'][0]['swap'] == 0
    assert client.get('/v2.1/flavors/2', version='2.74').json_body_or_none[
        'flavor']['swap'] == ''


def test_hypervisor_without_servers_lists_none_from_2_75(admin_client, dbs):
    _svc, node = hosts_fixture.add_compute(dbs, 'host1')
    for path in ('/v2.1/os-hypervisors?with_servers=true',
                 '/v2.1/os-hypervisors/detail?with_servers=true'):
        body = admin_client.get(path, version='2.75').json_body_or_none
        assert body['hypervisors'][0]['servers'] == [], path
        old = admin_client.get(path, version='2.74').json_body_or_none
        assert 'servers' not in old['hypervisors'][0], path
    shown = admin_client.get(
        f'/v2.1/os-hypervisors/{node.uuid}?with_servers=true',
        version='2.75').json_body_or_none
    assert shown['hypervisor']['servers'] == []
