"""/images: the Glance proxy, gone from microversion 2.36."""

from tempest.lib.api_schema.response.compute.v2_1 import images as schema

from nova.api import validation
from nova.tests.unit.api import conftest


def test_list_images(client):
    resp = client.get('/v2.1/images')
    assert resp.status_int == 200
    validation.validate(schema.list_images['response_body'],
                        resp.json_body_or_none)
    assert len(resp.json_body_or_none['images']) == 3


def test_list_images_detail_and_limit(client):
    resp = client.get('/v2.1/images/detail?limit=1')
    body = resp.json_body_or_none
    validation.validate(schema.list_images_details['response_body'], body)
    assert len(body['images']) == 1
    assert 'marker={}'.format(body['images'][0]['id']) in \
        body['images_links'][0]['href']


def test_show_image(client):
    resp = client.get(f'/v2.1/images/{conftest.IMAGE_ID}')
    body = resp.json_body_or_none
    validation.validate(schema.get_image['response_body'], body)
    assert body['image']['status'] == 'ACTIVE'
    assert body['image']['progress'] == 100
    assert body['image']['metadata'] == {'os_distro': 'cirros'}


def test_show_unknown_image_is_404(client):
    resp = client.get('/v2.1/images/11111111-2222-3333-4444-555555555555')
    assert resp.status_int == 404


def test_images_are_gone_from_2_36(client):
    resp = client.get('/v2.1/images', version='2.36')
    assert resp.status_int == 404
    assert '2.36' in resp.json_body_or_none['itemNotFound']['message']
    assert client.get('/v2.1/images', version='2.35').status_int == 200
