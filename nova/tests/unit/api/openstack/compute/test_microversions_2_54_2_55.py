"""Microversions 2.54 (key pair on rebuild) and 2.55 (flavor
descriptions) over real DBs, and the shape of the update and rebuild
answers they extend."""

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import flavors as fl21
from tempest.lib.api_schema.response.compute.v2_47 import servers as v247
from tempest.lib.api_schema.response.compute.v2_54 import servers as v254
from tempest.lib.api_schema.response.compute.v2_55 import flavors as fl255

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api import conftest
from nova.tests.unit.api.openstack.compute import test_servers

flavor = test_servers.flavor

PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB2k7dP test@example'


class RecordingComputeRPC(conftest.FakeComputeRPCAPI):
    def __init__(self):
        super().__init__()
        self.rebuilt = []

    def rebuild_instance(self, ctxt, instance, image_ref, admin_password,
                         preserve_ephemeral=False):
        self.rebuilt.append((instance.uuid, instance.key_name, image_ref))


@pytest.fixture
def compute_rpc(monkeypatch, peers):
    from nova.compute import api as compute_api
    rpc = RecordingComputeRPC()
    monkeypatch.setattr(compute_api.API, 'compute_rpcapi', rpc)
    return rpc


def _key_pair(name, user_id='fake-user'):
    objects.KeyPair(nova_context.get_admin_context(), name=name,
                    user_id=user_id, fingerprint='aa:bb', type='ssh',
                    public_key=PUBLIC_KEY).create()


def _server(client, dbs, **extra):
    uuid = test_servers._boot(client, **extra).json_body_or_none[
        'server']['id']
    test_servers._schedule(dbs, uuid)
    return uuid


def _rebuild(client, uuid, version, **extra):
    args = {'imageRef': conftest.IMAGE_ID}
    args.update(extra)
    return client.post(f'/v2.1/servers/{uuid}/action', {'rebuild': args},
                       version=version)


def _stored(dbs, uuid):
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        return objects.Instance.get_by_uuid(cctxt, uuid)


# Update and rebuild answers --------------------------------------------------

def test_update_answer_has_no_detail_only_attributes(client, dbs, flavor):
    uuid = _server(client, dbs)
    resp = client.put(f'/v2.1/servers/{uuid}', {'server': {'name': 'new'}},
                      version='2.47')
    assert resp.status_int == 200
    validation.validate(v247.update_server['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none['server']['name'] == 'new'


def test_rebuild_answer_before_2_54_has_no_key_name(client, dbs, flavor,
                                                    compute_rpc):
    _key_pair('k1')
    uuid = _server(client, dbs, key_name='k1')
    resp = _rebuild(client, uuid, '2.47')
    assert resp.status_int == 202
    validation.validate(v247.rebuild_server_with_admin_pass['response_body'],
                        resp.json_body_or_none)
    assert compute_rpc.rebuilt == [(uuid, 'k1', conftest.IMAGE_ID)]


# 2.54 ------------------------------------------------------------------------

def test_rebuild_replaces_the_key_pair_from_2_54(client, dbs, flavor,
                                                 compute_rpc):
    _key_pair('k1')
    _key_pair('k2')
    uuid = _server(client, dbs, key_name='k1')
    resp = _rebuild(client, uuid, '2.54', key_name='k2')
    assert resp.status_int == 202
    body = resp.json_body_or_none
    validation.validate(v254.rebuild_server_with_admin_pass['response_body'],
                        body)
    assert body['server']['key_name'] == 'k2'
    stored = _stored(dbs, uuid)
    assert (stored.key_name, stored.key_data) == ('k2', PUBLIC_KEY)
    # The compute is asked to rebuild the server with its new key.
    assert compute_rpc.rebuilt == [(uuid, 'k2', conftest.IMAGE_ID)]


def test_rebuild_with_null_key_name_removes_the_key_pair(client, dbs, flavor,
                                                         compute_rpc):
    _key_pair('k1')
    uuid = _server(client, dbs, key_name='k1')
    resp = _rebuild(client, uuid, '2.54', key_name=None)
    assert resp.status_int == 202
    assert resp.json_body_or_none['server']['key_name'] is None
    stored = _stored(dbs, uuid)
    assert (stored.key_name, stored.key_data) == (None, None)


def test_rebuild_without_key_name_keeps_it(client, dbs, flavor,
                                           compute_rpc):
    _key_pair('k1')
    uuid = _server(client, dbs, key_name='k1')
    resp = _rebuild(client, uuid, '2.54')
    assert resp.json_body_or_none['server']['key_name'] == 'k1'
    assert _stored(dbs, uuid).key_name == 'k1'


def test_rebuild_key_name_errors(client, dbs, flavor, compute_rpc):
    _key_pair('k1')
    _key_pair('theirs', user_id='other-user')
    uuid = _server(client, dbs, key_name='k1')
    # Before 2.54 key_name is an unknown attribute.
    assert _rebuild(client, uuid, '2.53', key_name='k1').status_int == 400
    # Another user's key pair, no such key pair, an empty name.
    for name in ('theirs', 'nope', ''):
        resp = _rebuild(client, uuid, '2.54', key_name=name)
        assert resp.status_int == 400, name
    assert compute_rpc.rebuilt == []
    assert _stored(dbs, uuid).key_name == 'k1'


# 2.55 ------------------------------------------------------------------------

def _create_flavor(admin_client, version='2.55', **extra):
    spec = {'name': 'described', 'id': 'd1', 'ram': 512, 'vcpus': 1,
            'disk': 1}
    spec.update(extra)
    return admin_client.post('/v2.1/flavors', {'flavor': spec},
                             version=version)


def test_flavor_description_at_create_and_in_views(admin_client, client,
                                                   dbs):
    resp = _create_flavor(admin_client, description='for tests')
    assert resp.status_int == 200
    validation.validate(
        fl255.create_update_get_flavor_details['response_body'],
        resp.json_body_or_none)
    assert resp.json_body_or_none['flavor']['description'] == 'for tests'
    listed = client.get('/v2.1/flavors', version='2.55').json_body_or_none
    validation.validate(fl255.list_flavors['response_body'], listed)
    assert listed['flavors'][0]['description'] == 'for tests'
    detail = client.get('/v2.1/flavors/detail',
                        version='2.55').json_body_or_none
    validation.validate(fl255.list_flavors_details['response_body'], detail)
    shown = client.get('/v2.1/flavors/d1', version='2.55').json_body_or_none
    assert shown['flavor']['description'] == 'for tests'
    # 2.54 shows no description.
    old = client.get('/v2.1/flavors/d1', version='2.54').json_body_or_none
    validation.validate(fl21.create_update_get_flavor_details[
        'response_body'], old)
    assert 'description' not in old['flavor']


def test_flavor_without_description_shows_null(admin_client, dbs):
    body = _create_flavor(admin_client).json_body_or_none
    assert body['flavor']['description'] is None


def test_flavor_description_refused_before_2_55(admin_client, dbs):
    resp = _create_flavor(admin_client, version='2.54', description='x')
    assert resp.status_int == 400


def test_update_flavor_description(admin_client, client, dbs):
    _create_flavor(admin_client, description='old')
    url = '/v2.1/flavors/d1'
    resp = admin_client.put(url, {'flavor': {'description': 'new'}},
                            version='2.55')
    assert resp.status_int == 200
    validation.validate(
        fl255.create_update_get_flavor_details['response_body'],
        resp.json_body_or_none)
    assert resp.json_body_or_none['flavor']['description'] == 'new'
    shown = client.get(url, version='2.55').json_body_or_none
    assert shown['flavor']['description'] == 'new'
    resp = admin_client.put(url, {'flavor': {'description': None}},
                            version='2.55')
    assert resp.json_body_or_none['flavor']['description'] is None


def test_update_flavor_errors(admin_client, client, dbs):
    _create_flavor(admin_client)
    url = '/v2.1/flavors/d1'
    body = {'flavor': {'description': 'new'}}
    assert admin_client.put(url, body, version='2.54').status_int == 404
    assert client.put(url, body, version='2.55').status_int == 403
    assert admin_client.put('/v2.1/flavors/nope', body,
                            version='2.55').status_int == 404
    for bad in ({'flavor': {}}, {'flavor': {'name': 'x'}},
                {'flavor': {'description': 'x' * 65536}}):
        assert admin_client.put(url, bad, version='2.55').status_int == 400
