"""The pipeline: auth, request ids, faults, body limits, microversions."""

import pytest

import nova.conf
from nova.api.openstack import api_version_request as avr

CONF = nova.conf.CONF


def test_missing_token_is_401_with_fault_body(client):
    resp = client.get('/v2.1/flavors', token='')
    assert resp.status_int == 401
    assert resp.json_body_or_none['unauthorized']['code'] == 401
    assert 'X-Auth-Token' in resp.json_body_or_none['unauthorized']['message']


def test_request_id_headers(client, dbs):
    resp = client.get('/v2.1/flavors')
    assert resp.status_int == 200
    assert resp.headers['x-openstack-request-id'].startswith('req-')
    assert resp.headers['x-compute-request-id'] == \
        resp.headers['x-openstack-request-id']


def test_unknown_path_is_404_fault(client):
    resp = client.get('/v2.1/no-such-thing')
    assert resp.status_int == 404
    assert resp.json_body_or_none['itemNotFound']['code'] == 404


def test_wrong_method_is_405(client):
    resp = client.request('PATCH', '/v2.1/flavors')
    assert resp.status_int == 405
    assert 'badMethod' in resp.json_body_or_none
    assert 'GET' in resp.headers['Allow']


def test_default_microversion_headers(client, dbs):
    resp = client.get('/v2.1/flavors')
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.1'
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.1'
    assert resp.headers['Vary'] == \
        'OpenStack-API-Version, X-OpenStack-Nova-API-Version'


def test_latest_microversion(client, dbs):
    resp = client.get('/v2.1/flavors', version='latest')
    assert resp.headers['OpenStack-API-Version'] == \
        f'compute {avr.MAX_VERSION}'


def test_legacy_microversion_header(client, dbs):
    resp = client.get('/v2.1/flavors',
                      headers={'X-OpenStack-Nova-API-Version': '2.10'})
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.10'


def test_new_header_wins_over_legacy(client, dbs):
    resp = client.get('/v2.1/flavors', version='2.5',
                      headers={'X-OpenStack-Nova-API-Version': '2.10'})
    assert resp.headers['X-OpenStack-Nova-API-Version'] == '2.5'


@pytest.mark.parametrize('version', ['2.999', '3.0', '1.1'])
def test_out_of_range_microversion_is_406(client, version):
    resp = client.get('/v2.1/flavors', version=version)
    assert resp.status_int == 406
    message = resp.json_body_or_none['notAcceptable']['message']
    assert version in message and avr.MAX_VERSION in message


@pytest.mark.parametrize('version', ['2', 'abc', '2.1.1', '02.1'])
def test_malformed_microversion_is_400(client, version):
    resp = client.get('/v2.1/flavors', version=version)
    assert resp.status_int == 400
    assert version in resp.json_body_or_none['badRequest']['message']


def test_body_over_the_limit_is_413(client, conf):
    conf.set_override('max_request_body_size', 100, group='wsgi')
    resp = client.post('/v2.1/flavors', raw=b'{"x": "' + b'a' * 200 + b'"}')
    assert resp.status_int == 413
    assert resp.json_body_or_none['overLimit']['code'] == 413


def test_malformed_json_is_400(admin_client, dbs):
    resp = admin_client.post('/v2.1/flavors', raw=b'{"flavor": ')
    assert resp.status_int == 400
    assert 'Malformed request body' in \
        resp.json_body_or_none['badRequest']['message']


def test_wrong_content_type_is_415(admin_client, dbs):
    resp = admin_client.post('/v2.1/flavors', raw=b'<flavor/>',
                             headers={'Content-Type': 'application/xml'})
    assert resp.status_int == 415
    assert 'application/xml' in \
        resp.json_body_or_none['badMediaType']['message']


def test_unexpected_error_is_500_fault_without_traceback(client, dbs,
                                                         monkeypatch):
    from nova.api.openstack.compute import flavors

    def boom(*args, **kwargs):
        raise RuntimeError('secret internals')
    monkeypatch.setattr(flavors.FlavorsController, '_list', boom)
    resp = client.get('/v2.1/flavors')
    assert resp.status_int == 500
    fault = resp.json_body_or_none['computeFault']
    assert fault['code'] == 500
    assert 'secret' not in fault['message']
    assert 'Traceback' not in resp.text


def test_keystone_context_from_headers(conf):
    import webob

    from nova.api import middleware

    seen = {}

    @webob.dec.wsgify
    def app(req):
        seen['ctxt'] = req.environ['nova.context']
        return webob.Response()
    mw = middleware.NovaKeystoneContext(app)
    req = webob.Request.blank('/', headers={
        'X-User-Id': 'u1', 'X-Project-Id': 'p1', 'X-Roles': 'reader,admin',
        'X-Auth-Token': 'tok'})
    req.get_response(mw)
    assert seen['ctxt'].user_id == 'u1'
    assert seen['ctxt'].project_id == 'p1'
    assert seen['ctxt'].is_admin


def test_project_id_in_url_is_accepted(client, dbs):
    assert client.get('/v2.1/fake-project/flavors').status_int == 200


def test_other_project_id_in_url_is_400(client, dbs):
    resp = client.get('/v2.1/other-project/flavors')
    assert resp.status_int == 400
    assert 'project' in resp.json_body_or_none['badRequest']['message']


def test_keystone_pipeline_rejects_missing_token(conf, peers):
    import os

    from keystonemiddleware import auth_token  # noqa: F401 - its options

    from nova.wsgi import osapi_compute
    conf.set_override('auth_strategy', 'keystone', group='api')
    conf.set_override('www_authenticate_uri', 'http://keystone.invalid/v3',
                      group='keystone_authtoken')
    paste = os.path.join(os.path.dirname(osapi_compute.__file__), '..',
                         'api', 'api-paste.ini')
    conf.set_override('api_paste_config', os.path.abspath(paste),
                      group='wsgi')
    try:
        from nova.tests.unit.api.conftest import Client
        client = Client(osapi_compute.load_app(conf), token='')
        assert client.get('/v2.1/servers').status_int == 401
        # The version document stays open.
        assert client.get('/v2.1/').status_int == 200
    finally:
        conf.clear_override('api_paste_config', group='wsgi')
        conf.clear_override('www_authenticate_uri',
                            group='keystone_authtoken')
