"""/os-aggregates against real cell and API DBs."""

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import aggregates as v21
from tempest.lib.api_schema.response.compute.v2_41 import aggregates as v241

from nova.api import validation
from nova.tests.unit.api.openstack.compute import hosts_fixture

URL = '/v2.1/os-aggregates'


def _create(client, name, zone=None, version=None):
    body = {'name': name}
    if zone is not None:
        body['availability_zone'] = zone
    resp = client.post(URL, {'aggregate': body}, version=version)
    assert resp.status_int == 200, resp.body
    return resp.json_body_or_none['aggregate']


def _action(client, agg_id, name, value):
    return client.post(f'{URL}/{agg_id}/action', {name: value})


def test_create_show_list_delete(admin_client, dbs):
    resp = admin_client.post(URL, {'aggregate': {
        'name': 'agg1', 'availability_zone': 'az1'}})
    validation.validate(v21.create_aggregate['response_body'],
                        resp.json_body_or_none)
    agg = resp.json_body_or_none['aggregate']
    assert agg['availability_zone'] == 'az1'
    resp = admin_client.get(f'{URL}/{agg["id"]}')
    validation.validate(v21.get_aggregate['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none['aggregate']['metadata'] == {
        'availability_zone': 'az1'}
    resp = admin_client.get(URL)
    validation.validate(v21.list_aggregates['response_body'],
                        resp.json_body_or_none)
    resp = admin_client.delete(f'{URL}/{agg["id"]}')
    assert resp.status_int == 200
    assert admin_client.get(f'{URL}/{agg["id"]}').status_int == 404


def test_uuid_from_2_41(admin_client, dbs):
    agg = _create(admin_client, 'agg1', version='2.41')
    validation.validate(v241.aggregate_for_create, agg)
    resp = admin_client.get(f'{URL}/{agg["id"]}', version='2.41')
    validation.validate(v241.get_aggregate['response_body'],
                        resp.json_body_or_none)


def test_duplicate_name_is_409(admin_client, dbs):
    _create(admin_client, 'agg1')
    resp = admin_client.post(URL, {'aggregate': {'name': 'agg1'}})
    assert resp.status_int == 409


@pytest.mark.parametrize('zone', ['internal', 'a:b', ''])
def test_bad_zone_names_are_400(admin_client, dbs, zone):
    resp = admin_client.post(URL, {'aggregate': {
        'name': 'agg1', 'availability_zone': zone}})
    assert resp.status_int == 400
    assert admin_client.get(URL).json_body_or_none['aggregates'] == []


def test_update_name_and_zone(admin_client, dbs):
    agg = _create(admin_client, 'agg1')
    resp = admin_client.put(f'{URL}/{agg["id"]}', {'aggregate': {
        'name': 'renamed', 'availability_zone': 'az9'}})
    assert resp.status_int == 200
    validation.validate(v21.update_aggregate['response_body'],
                        resp.json_body_or_none)
    body = resp.json_body_or_none['aggregate']
    assert (body['name'], body['availability_zone']) == ('renamed', 'az9')


def test_add_and_remove_host_mirrors_placement(admin_client, dbs,
                                               recording_placement):
    _svc, node = hosts_fixture.add_compute(dbs, 'host1')
    agg = _create(admin_client, 'agg1', version='2.41')
    resp = _action(admin_client, agg['id'], 'add_host', {'host': 'host1'})
    assert resp.status_int == 200
    validation.validate(v21.aggregate_add_remove_host['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none['aggregate']['hosts'] == ['host1']
    assert recording_placement.aggregates[node.uuid] == {agg['uuid']}
    resp = _action(admin_client, agg['id'], 'remove_host',
                   {'host': 'host1'})
    assert resp.json_body_or_none['aggregate']['hosts'] == []
    assert recording_placement.aggregates[node.uuid] == set()


def test_add_unknown_host_is_404(admin_client, dbs, recording_placement):
    agg = _create(admin_client, 'agg1')
    resp = _action(admin_client, agg['id'], 'add_host', {'host': 'nohost'})
    assert resp.status_int == 404


def test_add_host_twice_is_409(admin_client, dbs, recording_placement):
    hosts_fixture.add_compute(dbs, 'host1')
    agg = _create(admin_client, 'agg1')
    _action(admin_client, agg['id'], 'add_host', {'host': 'host1'})
    resp = _action(admin_client, agg['id'], 'add_host', {'host': 'host1'})
    assert resp.status_int == 409


def test_host_cannot_be_in_two_zones(admin_client, dbs, recording_placement):
    hosts_fixture.add_compute(dbs, 'host1')
    agg1 = _create(admin_client, 'agg1', zone='az1')
    agg2 = _create(admin_client, 'agg2', zone='az2')
    _action(admin_client, agg1['id'], 'add_host', {'host': 'host1'})
    resp = _action(admin_client, agg2['id'], 'add_host', {'host': 'host1'})
    assert resp.status_int == 409
    assert 'az1' in resp.json_body_or_none['conflictingRequest']['message']
    # A zone-less aggregate takes the host; it may not then name az2.
    agg3 = _create(admin_client, 'agg3')
    assert _action(admin_client, agg3['id'], 'add_host',
                   {'host': 'host1'}).status_int == 200
    resp = _action(admin_client, agg3['id'], 'set_metadata',
                   {'metadata': {'availability_zone': 'az2'}})
    assert resp.status_int == 400
    resp = admin_client.put(f'{URL}/{agg3["id"]}', {'aggregate': {
        'availability_zone': 'az2'}})
    assert resp.status_int == 400


def test_set_metadata_sets_and_removes_keys(admin_client, dbs):
    agg = _create(admin_client, 'agg1')
    resp = _action(admin_client, agg['id'], 'set_metadata',
                   {'metadata': {'ssd': 'true', 'availability_zone': 'az1'}})
    assert resp.status_int == 200
    validation.validate(v21.aggregate_set_metadata['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none['aggregate']['availability_zone'] == 'az1'
    resp = _action(admin_client, agg['id'], 'set_metadata',
                   {'metadata': {'ssd': None}})
    assert resp.json_body_or_none['aggregate']['metadata'] == {
        'availability_zone': 'az1'}


def test_delete_with_hosts_is_400(admin_client, dbs, recording_placement):
    hosts_fixture.add_compute(dbs, 'host1')
    agg = _create(admin_client, 'agg1')
    _action(admin_client, agg['id'], 'add_host', {'host': 'host1'})
    resp = admin_client.delete(f'{URL}/{agg["id"]}')
    assert resp.status_int == 400
    assert 'host1' in resp.json_body_or_none['badRequest']['message']


def test_unknown_action_is_400(admin_client, dbs):
    agg = _create(admin_client, 'agg1')
    resp = _action(admin_client, agg['id'], 'explode', {})
    assert resp.status_int == 400


def test_aggregates_are_admin_only(client, dbs):
    assert client.get(URL).status_int == 403


def test_blank_name_and_out_of_range_id(admin_client, dbs):
    resp = admin_client.post(URL, {'aggregate': {'name': '   '}})
    assert resp.status_int == 400
    assert admin_client.get(URL + '/99999999999').status_int == 404
    assert admin_client.get(URL + '/abc').status_int == 400
