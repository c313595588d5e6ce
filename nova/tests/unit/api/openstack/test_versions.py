"""GET / and GET /v2.1: the version documents."""

from tempest.lib.api_schema.response.compute.v2_1 import versions as schema

from nova.api import validation
from nova.api.openstack import api_version_request as avr


def test_root_lists_major_versions_without_auth(client):
    resp = client.get('/', token='')
    assert resp.status_int == 200
    ids = {v['id']: v for v in resp.json_body_or_none['versions']}
    assert ids['v2.1']['version'] == avr.MAX_VERSION
    assert ids['v2.1']['min_version'] == '2.1'
    assert ids['v2.1']['links'][0]['href'] == \
        'http://compute.example.org:8774/v2.1/'
    validation.validate(schema.list_versions['response_body'],
                        resp.json_body_or_none)


def test_version_document_without_auth(client):
    resp = client.get('/v2.1', token='')
    assert resp.status_int == 200
    body = resp.json_body_or_none
    assert body['version']['id'] == 'v2.1'
    assert body['version']['status'] == 'CURRENT'
    assert body['version']['version'] == avr.MAX_VERSION
    validation.validate(schema.get_one_version['response_body'], body)


def test_unknown_major_version_is_multiple_choices(client):
    resp = client.get('/v3/servers', token='')
    assert resp.status_int == 300
    assert 'versions' in resp.json_body_or_none


def test_legacy_v2_document(client):
    resp = client.get('/v2/', token='')
    assert resp.status_int == 200
    assert resp.json_body_or_none['version']['id'] == 'v2.0'


def test_links_keep_a_deployment_prefix(app):
    import webob
    req = webob.Request.blank('/v2.1', base_url='http://h:80/compute')
    body = req.get_response(app).json
    assert body['version']['links'][0]['href'] == 'http://h/compute/v2.1/'
