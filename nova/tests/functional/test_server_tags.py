"""/servers/{id}/tags (microversion 2.26) through the REST API."""

import pytest

V = '2.26'


@pytest.fixture
def server(api, image_id):
    created = api.create_server('tag-server', image_id)
    active = api.wait_for_server(created['id'], ('ACTIVE',))
    yield active
    api.delete(f"/servers/{created['id']}")
    api.wait_until_gone(created['id'])


def tags_url(server, tag=None):
    url = f"/servers/{server['id']}/tags"
    return url + f'/{tag}' if tag else url


def test_add_check_list_and_remove_one_tag(api, server):
    resp = api.request('PUT', tags_url(server, 'blue'), microversion=V)
    assert resp.status_code == 201, resp.text
    assert resp.headers['Location'].endswith(tags_url(server, 'blue'))
    again = api.request('PUT', tags_url(server, 'blue'), microversion=V)
    assert again.status_code == 204
    assert api.get(tags_url(server, 'blue'), microversion=V).status_code == 204
    assert api.get(tags_url(server), microversion=V).json() == {
        'tags': ['blue']}
    assert api.get(f"/servers/{server['id']}",
                   microversion=V).json()['server']['tags'] == ['blue']
    assert api.delete(tags_url(server, 'blue'),
                      microversion=V).status_code == 204
    assert api.get(tags_url(server, 'blue'), microversion=V).status_code == 404
    assert api.delete(tags_url(server, 'blue'),
                      microversion=V).status_code == 404


def test_replace_all_and_delete_all(api, server):
    resp = api.request('PUT', tags_url(server),
                       json={'tags': ['b', 'a', 'b']}, microversion=V)
    assert resp.status_code == 200, resp.text
    assert sorted(resp.json()['tags']) == ['a', 'b']
    assert api.delete(tags_url(server), microversion=V).status_code == 204
    assert api.get(tags_url(server), microversion=V).json() == {'tags': []}


def test_tags_need_2_26(api, server):
    resp = api.get(tags_url(server), microversion='2.25')
    assert resp.status_code == 404


@pytest.mark.parametrize('tags', [['a,b'], ['x' * 61], [''],
                                  [f't{i}' for i in range(51)]])
def test_bad_tag_lists_are_400(api, server, tags):
    resp = api.request('PUT', tags_url(server), json={'tags': tags},
                       microversion=V)
    assert resp.status_code == 400, resp.text


def test_the_51st_tag_is_400(api, server):
    api.request('PUT', tags_url(server),
                json={'tags': [f't{i}' for i in range(50)]}, microversion=V)
    resp = api.request('PUT', tags_url(server, 'one-more'), microversion=V)
    assert resp.status_code == 400
    assert '50' in resp.json()['badRequest']['message']


def test_a_too_long_tag_in_the_url_is_400(api, server):
    resp = api.request('PUT', tags_url(server, 'x' * 61), microversion=V)
    assert resp.status_code == 400


def test_tags_of_a_building_server_are_409(api, image_id):
    import threading

    from nova.virt import fake
    gate = threading.Event()
    fake.FakeDriver.set_delay('spawn', gate)
    created = api.create_server('slow-tags', image_id)
    try:
        resp = api.request('PUT', tags_url(created, 'x'), microversion=V)
        assert resp.status_code == 409, resp.text
        assert 'building' in resp.json()['conflictingRequest']['message']
    finally:
        gate.set()
        fake.FakeDriver.clear_faults()
        api.wait_for_server(created['id'], ('ACTIVE', 'ERROR'))
        api.delete(f"/servers/{created['id']}")
        api.wait_until_gone(created['id'])
