"""Bad server requests get a 4xx that says what is wrong, and create nothing."""

import json

import pytest


def _all_servers(api):
    resp = api.get('/servers?all_tenants=1&deleted=false')
    assert resp.status_code == 200, resp.text
    return {s['id'] for s in resp.json()['servers']}


def _message(resp):
    (fault,) = resp.json().values()
    return fault['message']


@pytest.fixture
def nothing_created(api):
    before = _all_servers(api)
    yield
    assert _all_servers(api) == before


def _body(image_id, **changes):
    server = {'name': 'bad', 'imageRef': image_id, 'flavorRef': '1',
              'networks': 'auto'}
    server.update(changes)
    return {'server': {k: v for k, v in server.items() if v is not None}}


def test_missing_flavor_ref_is_400(api, image_id, nothing_created):
    resp = api.post('/servers', json=_body(image_id, flavorRef=None))
    assert resp.status_code == 400
    assert 'flavorRef' in _message(resp)


def test_unknown_image_is_400(api, nothing_created):
    resp = api.post('/servers', json=_body('6c1c1fd6-0000-4000-8000-000000000000'))
    assert resp.status_code == 400
    assert '6c1c1fd6-0000-4000-8000-000000000000' in _message(resp)


def test_unknown_flavor_is_400(api, image_id, nothing_created):
    resp = api.post('/servers', json=_body(image_id, flavorRef='no-such-flavor'))
    assert resp.status_code == 400
    assert 'no-such-flavor' in _message(resp)


def test_malformed_json_is_400(api, nothing_created):
    resp = api.post('/servers', data='{"server": {"name": ')
    assert resp.status_code == 400
    assert 'Malformed request body' in _message(resp)


def test_name_over_255_characters_is_400(api, image_id, nothing_created):
    resp = api.post('/servers', json=_body(image_id, name='x' * 256))
    assert resp.status_code == 400
    assert 'name' in _message(resp)


def test_unknown_microversion_is_406(api, image_id, nothing_created):
    resp = api.request('POST', '/servers', json=_body(image_id),
                       microversion='2.9999')
    assert resp.status_code == 406
    assert '2.9999' in _message(resp)


def test_body_that_is_not_an_object_is_400(api, nothing_created):
    resp = api.post('/servers', data=json.dumps(['server']))
    assert resp.status_code == 400
