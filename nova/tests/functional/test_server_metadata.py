"""/servers/{id}/metadata through the REST API."""

import pytest

import nova.conf

CONF = nova.conf.CONF


@pytest.fixture
def server(api, image_id):
    created = api.create_server('meta-server', image_id,
                                metadata={'color': 'blue'})
    active = api.wait_for_server(created['id'], ('ACTIVE',))
    yield active
    api.delete(f"/servers/{created['id']}")
    api.wait_until_gone(created['id'])


def meta_url(server, key=None):
    url = f"/servers/{server['id']}/metadata"
    return url + f'/{key}' if key else url


def test_list_shows_the_metadata_given_at_boot(api, server):
    resp = api.get(meta_url(server))
    assert resp.status_code == 200
    assert resp.json() == {'metadata': {'color': 'blue'}}


def test_post_merges_and_put_replaces(api, server):
    resp = api.post(meta_url(server), json={'metadata': {'size': 'L'}})
    assert resp.status_code == 200, resp.text
    assert resp.json()['metadata'] == {'color': 'blue', 'size': 'L'}
    resp = api.request('PUT', meta_url(server),
                       json={'metadata': {'shape': 'round'}})
    assert resp.status_code == 200, resp.text
    assert api.get(meta_url(server)).json()['metadata'] == {
        'shape': 'round'}
    assert api.get_server(server['id'])['metadata'] == {'shape': 'round'}


def test_one_item_show_set_and_delete(api, server):
    assert api.get(meta_url(server, 'color')).json() == {
        'meta': {'color': 'blue'}}
    resp = api.request('PUT', meta_url(server, 'color'),
                       json={'meta': {'color': 'red'}})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'meta': {'color': 'red'}}
    assert api.delete(meta_url(server, 'color')).status_code == 204
    assert api.get(meta_url(server, 'color')).status_code == 404
    assert api.delete(meta_url(server, 'color')).status_code == 404


def test_item_key_must_match_the_url(api, server):
    resp = api.request('PUT', meta_url(server, 'color'),
                       json={'meta': {'colour': 'red'}})
    assert resp.status_code == 400
    assert 'URL' in resp.json()['badRequest']['message']


@pytest.mark.parametrize('metadata', [
    {'bad/key': 'v'}, {'': 'v'}, {'k': 'x' * 256}, {'k': 1}])
def test_bad_keys_and_values_are_400(api, server, metadata):
    resp = api.post(meta_url(server), json={'metadata': metadata})
    assert resp.status_code == 400, resp.text
    assert api.get(meta_url(server)).json()['metadata'] == {'color': 'blue'}


def test_more_items_than_the_quota_is_403(api, server):
    limit = CONF.quota.metadata_items
    items = {f'k{i}': 'v' for i in range(limit)}
    resp = api.post(meta_url(server), json={'metadata': items})
    assert resp.status_code == 403, resp.text
    assert 'metadata' in resp.json()['forbidden']['message']
    assert api.get(meta_url(server)).json()['metadata'] == {'color': 'blue'}


def test_metadata_of_a_paused_server_can_change(api, server):
    api.post(f"/servers/{server['id']}/action", json={'pause': None})
    api.wait_for_server(server['id'], ('PAUSED',))
    try:
        resp = api.post(meta_url(server), json={'metadata': {'a': 'b'}})
        # Paused servers keep their metadata writable, as the API allows.
        assert resp.status_code == 200, resp.text
    finally:
        api.post(f"/servers/{server['id']}/action", json={'unpause': None})
        api.wait_for_server(server['id'], ('ACTIVE',))


def test_metadata_of_an_errored_server_is_409(api, server):
    api.post(f"/servers/{server['id']}/action",
             json={'os-resetState': {'state': 'error'}})
    resp = api.post(meta_url(server), json={'metadata': {'a': 'b'}})
    assert resp.status_code == 409, resp.text
    assert 'vm_state error' in resp.json()['conflictingRequest']['message']


def test_metadata_of_an_unknown_server_is_404(api):
    resp = api.get('/servers/9b7c8f3e-0000-4000-8000-000000000000/metadata')
    assert resp.status_code == 404
