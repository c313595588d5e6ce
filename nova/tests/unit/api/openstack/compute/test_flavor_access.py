"""os-flavor-access and the tenant access actions against a real API DB."""

from tempest.lib.api_schema.response.compute.v2_1 import flavors_access as schema

from nova import context as nova_context
from nova import objects
from nova.api import validation


def _flavor(flavorid, is_public):
    objects.Flavor(nova_context.get_admin_context(), name=f'f{flavorid}',
                   flavorid=flavorid, memory_mb=512, vcpus=1, root_gb=1,
                   ephemeral_gb=0, swap=0, rxtx_factor=1.0,
                   is_public=is_public, disabled=False).create()


def _add(client, flavorid, project):
    return client.post(f'/v2.1/flavors/{flavorid}/action',
                       {'addTenantAccess': {'tenant': project}})


def test_add_then_list_access_matches_schema(admin_client, dbs):
    _flavor('p1', False)
    resp = _add(admin_client, 'p1', 'proj-a')
    assert resp.status_int == 200
    validation.validate(schema.add_remove_list_flavor_access[
        'response_body'], resp.json_body_or_none)
    resp = admin_client.get('/v2.1/flavors/p1/os-flavor-access')
    assert resp.status_int == 200
    assert resp.json_body_or_none == {'flavor_access': [
        {'flavor_id': 'p1', 'tenant_id': 'proj-a'}]}


def test_remove_access(admin_client, dbs):
    _flavor('p1', False)
    _add(admin_client, 'p1', 'proj-a')
    resp = admin_client.post('/v2.1/flavors/p1/action',
                             {'removeTenantAccess': {'tenant': 'proj-a'}})
    assert resp.status_int == 200
    assert resp.json_body_or_none == {'flavor_access': []}


def test_remove_missing_access_is_404(admin_client, dbs):
    _flavor('p1', False)
    resp = admin_client.post('/v2.1/flavors/p1/action',
                             {'removeTenantAccess': {'tenant': 'proj-x'}})
    assert resp.status_int == 404
    assert 'proj-x' in resp.json_body_or_none['itemNotFound']['message']


def test_duplicate_access_is_409(admin_client, dbs):
    _flavor('p1', False)
    _add(admin_client, 'p1', 'proj-a')
    resp = _add(admin_client, 'p1', 'proj-a')
    assert resp.status_int == 409
    assert 'proj-a' in resp.json_body_or_none['conflictingRequest'][
        'message']


def test_public_flavor_access_change_is_409(admin_client, dbs):
    _flavor('pub', True)
    resp = _add(admin_client, 'pub', 'proj-a')
    assert resp.status_int == 409


def test_public_flavor_has_no_access_list(admin_client, dbs):
    _flavor('pub', True)
    resp = admin_client.get('/v2.1/flavors/pub/os-flavor-access')
    assert resp.status_int == 404


def test_unknown_flavor_is_404(admin_client, dbs):
    assert _add(admin_client, 'nope', 'proj-a').status_int == 404
    assert admin_client.get(
        '/v2.1/flavors/nope/os-flavor-access').status_int == 404


def test_bad_body_is_400(admin_client, dbs):
    _flavor('p1', False)
    resp = admin_client.post('/v2.1/flavors/p1/action',
                             {'addTenantAccess': {'project': 'x'}})
    assert resp.status_int == 400
    assert 'tenant' in resp.json_body_or_none['badRequest']['message']
    resp = admin_client.post('/v2.1/flavors/p1/action', {'explode': {}})
    assert resp.status_int == 400


def test_non_admin_may_not_change_access(client, dbs):
    _flavor('p1', False)
    assert _add(client, 'p1', 'fake-project').status_int == 403
    assert client.get('/v2.1/flavors/p1/os-flavor-access').status_int == 403


def test_private_flavor_visible_only_to_projects_with_access(
        admin_client, client, dbs):
    _flavor('p1', False)
    _flavor('pub', True)
    listed = [f['id'] for f in client.get(
        '/v2.1/flavors').json_body_or_none['flavors']]
    assert listed == ['pub']
    assert client.get('/v2.1/flavors/p1').status_int == 404
    _add(admin_client, 'p1', 'fake-project')
    listed = [f['id'] for f in client.get(
        '/v2.1/flavors').json_body_or_none['flavors']]
    assert listed == ['p1', 'pub']
    assert client.get('/v2.1/flavors/p1').status_int == 200
