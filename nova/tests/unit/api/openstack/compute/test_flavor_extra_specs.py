"""/flavors/{flavor_id}/os-extra_specs against a real API DB."""

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import (
    flavors_extra_specs as schema,
)

from nova import context as nova_context
from nova import objects
from nova.api import validation

URL = '/v2.1/flavors/1/os-extra_specs'


@pytest.fixture
def flavor(dbs):
    flavor = objects.Flavor(
        nova_context.get_admin_context(), name='m1.x', flavorid='1',
        memory_mb=512, vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
        rxtx_factor=1.0, is_public=True, disabled=False,
        extra_specs={'hw:cpu_policy': 'shared'})
    flavor.create()
    return flavor


def _stored_specs():
    return objects.Flavor.get_by_flavor_id(
        nova_context.get_admin_context(), '1').extra_specs


def test_list_matches_schema(client, flavor):
    resp = client.get(URL)
    assert resp.status_int == 200
    validation.validate(schema.set_get_flavor_extra_specs['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none == {
        'extra_specs': {'hw:cpu_policy': 'shared'}}


def test_admin_adds_specs_and_numbers_are_stored_as_text(admin_client, flavor):
    resp = admin_client.post(URL, {'extra_specs': {'quota:cpu_shares': 10}})
    assert resp.status_int == 200
    assert resp.json_body_or_none == {'extra_specs': {'quota:cpu_shares': '10'}}
    assert _stored_specs() == {'hw:cpu_policy': 'shared',
                               'quota:cpu_shares': '10'}


def test_member_cannot_add_specs(client, flavor):
    resp = client.post(URL, {'extra_specs': {'a': 'b'}})
    assert resp.status_int == 403
    assert _stored_specs() == {'hw:cpu_policy': 'shared'}


def test_show_one_and_unknown_key_is_404(client, flavor):
    resp = client.get(URL + '/hw:cpu_policy')
    assert resp.json_body_or_none == {'hw:cpu_policy': 'shared'}
    resp = client.get(URL + '/nope')
    assert resp.status_int == 404
    assert 'nope' in resp.json_body_or_none['itemNotFound']['message']


def test_update_needs_the_key_of_the_url(admin_client, flavor):
    resp = admin_client.put(URL + '/hw:cpu_policy',
                            {'hw:cpu_policy': 'dedicated'})
    assert resp.status_int == 200
    assert _stored_specs() == {'hw:cpu_policy': 'dedicated'}
    resp = admin_client.put(URL + '/hw:cpu_policy', {'other': 'x'})
    assert resp.status_int == 400
    assert 'must match' in resp.json_body_or_none['badRequest']['message']
    assert _stored_specs() == {'hw:cpu_policy': 'dedicated'}


def test_bad_key_is_400_and_changes_nothing(admin_client, flavor):
    resp = admin_client.post(URL, {'extra_specs': {'bad/key': 'x'}})
    assert resp.status_int == 400
    assert _stored_specs() == {'hw:cpu_policy': 'shared'}


def test_delete(admin_client, flavor):
    resp = admin_client.delete(URL + '/hw:cpu_policy')
    assert resp.status_int == 200
    assert _stored_specs() == {}
    assert admin_client.delete(URL + '/hw:cpu_policy').status_int == 404


def test_unknown_flavor_is_404(client, dbs):
    assert client.get('/v2.1/flavors/9/os-extra_specs').status_int == 404
