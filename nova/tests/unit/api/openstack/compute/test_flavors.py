"""/flavors against a real API DB."""

from tempest.lib.api_schema.response.compute.v2_1 import flavors as schema

from nova import context as nova_context
from nova import objects
from nova.api import validation


def _make_flavors(count=3):
    ctxt = nova_context.get_admin_context()
    for i in range(1, count + 1):
        objects.Flavor(ctxt, name=f'm1.f{i}', flavorid=str(i),
                       memory_mb=512 * i, vcpus=i, root_gb=i,
                       ephemeral_gb=0, swap=0, rxtx_factor=1.0,
                       is_public=True, disabled=False).create()


def test_list_flavors_matches_schema(client, dbs):
    _make_flavors()
    resp = client.get('/v2.1/flavors')
    assert resp.status_int == 200
    validation.validate(schema.list_flavors['response_body'],
                        resp.json_body_or_none)
    assert [f['id'] for f in resp.json_body_or_none['flavors']] == \
        ['1', '2', '3']


def test_detail_matches_schema_and_shows_swap_as_empty_string(client, dbs):
    _make_flavors(1)
    resp = client.get('/v2.1/flavors/detail')
    body = resp.json_body_or_none
    validation.validate(schema.list_flavors_details['response_body'], body)
    assert body['flavors'][0]['swap'] == ''
    assert body['flavors'][0]['ram'] == 512


def test_min_ram_filter(client, dbs):
    _make_flavors()
    resp = client.get('/v2.1/flavors?minRam=1000')
    assert [f['id'] for f in resp.json_body_or_none['flavors']] == ['2', '3']


def test_min_filters_beyond_any_integer_column_match_nothing(client, dbs):
    _make_flavors()
    huge = 9327481666347936104
    for param in ('minRam', 'minDisk'):
        resp = client.get(f'/v2.1/flavors/detail?{param}={huge}')
        assert resp.status_int == 200, resp.body
        assert resp.json_body_or_none['flavors'] == []


def test_pagination_next_link(client, dbs):
    _make_flavors()
    resp = client.get('/v2.1/flavors?limit=2')
    body = resp.json_body_or_none
    assert [f['id'] for f in body['flavors']] == ['1', '2']
    link = body['flavors_links'][0]
    assert link['rel'] == 'next'
    assert 'marker=2' in link['href'] and 'limit=2' in link['href']
    resp = client.get('/v2.1/flavors?limit=2&marker=2')
    assert [f['id'] for f in resp.json_body_or_none['flavors']] == ['3']
    assert 'flavors_links' not in resp.json_body_or_none


def test_unknown_marker_is_400(client, dbs):
    resp = client.get('/v2.1/flavors?marker=nope')
    assert resp.status_int == 400


def test_show_unknown_flavor_is_404(client, dbs):
    resp = client.get('/v2.1/flavors/42')
    assert resp.status_int == 404
    assert '42' in resp.json_body_or_none['itemNotFound']['message']


def test_show_flavor_matches_schema(client, dbs):
    _make_flavors(1)
    resp = client.get('/v2.1/flavors/1')
    validation.validate(schema.create_update_get_flavor_details[
        'response_body'], resp.json_body_or_none)


def test_create_flavor_as_admin(admin_client, dbs):
    resp = admin_client.post('/v2.1/flavors', {'flavor': {
        'name': 'custom', 'ram': 256, 'vcpus': 1, 'disk': 1, 'id': 'c1'}})
    assert resp.status_int == 200
    assert resp.json_body_or_none['flavor']['id'] == 'c1'
    assert admin_client.get('/v2.1/flavors/c1').status_int == 200


def test_create_flavor_generates_an_id(admin_client, dbs):
    resp = admin_client.post('/v2.1/flavors', {'flavor': {
        'name': 'custom', 'ram': 256, 'vcpus': 1, 'disk': 1}})
    assert len(resp.json_body_or_none['flavor']['id']) == 36


def test_create_flavor_by_member_is_403(client, dbs):
    resp = client.post('/v2.1/flavors', {'flavor': {
        'name': 'custom', 'ram': 256, 'vcpus': 1, 'disk': 1}})
    assert resp.status_int == 403
    assert 'os-flavor-manage:create' in \
        resp.json_body_or_none['forbidden']['message']


def test_create_flavor_missing_ram_names_the_field(admin_client, dbs):
    resp = admin_client.post('/v2.1/flavors', {'flavor': {
        'name': 'custom', 'vcpus': 1, 'disk': 1}})
    assert resp.status_int == 400
    assert "'ram' is a required property" in \
        resp.json_body_or_none['badRequest']['message']


def test_create_duplicate_flavor_is_409(admin_client, dbs):
    _make_flavors(1)
    resp = admin_client.post('/v2.1/flavors', {'flavor': {
        'name': 'm1.f1', 'ram': 256, 'vcpus': 1, 'disk': 1}})
    assert resp.status_int == 409
    assert 'conflictingRequest' in resp.json_body_or_none


def test_delete_flavor(admin_client, dbs):
    _make_flavors(1)
    assert admin_client.delete('/v2.1/flavors/1').status_int == 202
    assert admin_client.get('/v2.1/flavors/1').status_int == 404
