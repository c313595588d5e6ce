"""/extensions: the legacy extension list."""

from tempest.lib.api_schema.response.compute.v2_1 import extensions as schema

from nova.api import validation


def test_list_matches_schema(client, dbs):
    resp = client.get('/v2.1/extensions')
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(schema.list_extensions['response_body'], body)
    aliases = {e['alias'] for e in body['extensions']}
    assert {'os-server-groups', 'os-flavor-access'} <= aliases


def test_show_by_alias(client, dbs):
    resp = client.get('/v2.1/extensions/os-server-groups')
    assert resp.status_int == 200
    assert resp.json_body_or_none['extension']['name'] == 'ServerGroups'


def test_unknown_alias_is_404(client, dbs):
    resp = client.get('/v2.1/extensions/os-cloudpipe')
    assert resp.status_int == 404
    assert 'os-cloudpipe' in resp.json_body_or_none['itemNotFound'][
        'message']
