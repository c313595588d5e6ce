"""Microversions from 2.70 on.

2.70: device tags of volume attachments and port interfaces, which this
cloud does not offer (the resources stay 404). 2.71: ``server_groups`` in
the show, update and rebuild answers. 2.72: ports with a resource
request at create (this cloud takes no ports: still 400). 2.73: the
reason of a lock, and the ``locked`` list filter."""

import pytest
from tempest.lib.api_schema.response.compute.v2_71 import servers as v271
from tempest.lib.api_schema.response.compute.v2_73 import servers as v273

from nova.api import validation
from nova.tests.unit.api import conftest
from nova.tests.unit.api.openstack.compute import test_servers
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
