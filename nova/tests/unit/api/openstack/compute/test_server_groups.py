"""/os-server-groups and the group scheduler hint against real DBs."""

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import server_groups as v21
from tempest.lib.api_schema.response.compute.v2_13 import server_groups as v213

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api.openstack.compute import test_servers

SG = '/v2.1/os-server-groups'
flavor = test_servers.flavor


def _create(client, name='g1', policy='anti-affinity', **kwargs):
    return client.post(SG, {'server_group': {'name': name,
                                             'policies': [policy]}},
                       **kwargs)


def test_create_matches_schema(client, dbs):
    resp = _create(client)
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(v21.create_show_server_group['response_body'], body)
    assert body['server_group']['policies'] == ['anti-affinity']
    assert body['server_group']['members'] == []


def test_show_and_list_from_2_13_have_project_and_user(client, dbs):
    group = _create(client).json_body_or_none['server_group']
    resp = client.get(f'{SG}/{group["id"]}', version='2.13')
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(v213.create_show_server_group['response_body'],
                        body)
    assert body['server_group']['project_id'] == 'fake-project'
    assert body['server_group']['user_id'] == 'fake-user'
    resp = client.get(SG, version='2.13')
    validation.validate(v213.list_server_groups['response_body'],
                        resp.json_body_or_none)


def test_soft_policies_need_2_15(client, dbs):
    resp = _create(client, policy='soft-affinity', version='2.14')
    assert resp.status_int == 400
    assert 'soft-affinity' in resp.json_body_or_none['badRequest'][
        'message']
    resp = _create(client, policy='soft-affinity', version='2.15')
    assert resp.status_int == 200


@pytest.mark.parametrize('body', [
    {'server_group': {'name': 'g', 'policies': []}},
    {'server_group': {'name': 'g', 'policies': ['affinity',
                                                'anti-affinity']}},
    {'server_group': {'name': 'g', 'policies': ['best-effort']}},
    {'server_group': {'name': '', 'policies': ['affinity']}},
    {'server_group': {'policies': ['affinity']}},
    {'server_group': {'name': 'g', 'policy': 'affinity'}},
])
def test_bad_create_bodies_are_400(client, dbs, body):
    resp = client.post(SG, body)
    assert resp.status_int == 400
    assert resp.json_body_or_none['badRequest']['message']
    assert objects.InstanceGroupList.get_all(
        nova_context.get_admin_context()) .objects == []


def test_list_shows_own_project_and_all_projects_for_admin(
        client, admin_client, dbs):
    _create(client, name='mine')
    _create(admin_client, name='admins')
    resp = client.get(SG)
    validation.validate(v21.list_server_groups['response_body'],
                        resp.json_body_or_none)
    assert [g['name'] for g in resp.json_body_or_none['server_groups']] \
        == ['mine']
    resp = admin_client.get(SG + '?all_projects=True')
    assert [g['name'] for g in resp.json_body_or_none['server_groups']] \
        == ['mine', 'admins']
    assert client.get(SG + '?all_projects=True').status_int == 403


def test_list_limit_and_offset(client, dbs):
    for name in ('a', 'b', 'c'):
        _create(client, name=name)
    resp = client.get(SG + '?limit=1&offset=1')
    assert [g['name'] for g in resp.json_body_or_none['server_groups']] \
        == ['b']
    assert client.get(SG + '?limit=-1').status_int == 400


def test_delete(client, dbs):
    group = _create(client).json_body_or_none['server_group']
    resp = client.delete(f'{SG}/{group["id"]}')
    assert resp.status_int == 204
    assert client.get(f'{SG}/{group["id"]}').status_int == 404


def test_unknown_group_is_404(client, dbs):
    resp = client.get(f'{SG}/9f3c4a4e-0000-4000-8000-000000000000')
    assert resp.status_int == 404
    assert client.delete(
        f'{SG}/9f3c4a4e-0000-4000-8000-000000000000').status_int == 404


def test_other_projects_group_is_forbidden(client, admin_client, dbs):
    group = _create(admin_client).json_body_or_none['server_group']
    assert client.get(f'{SG}/{group["id"]}').status_int == 403
    assert client.delete(f'{SG}/{group["id"]}').status_int == 403


def test_server_groups_quota(client, dbs, conf):
    conf.set_override('server_groups', 1, group='quota')
    assert _create(client).status_int == 200
    resp = _create(client, name='g2')
    assert resp.status_int == 403
    assert 'server groups' in resp.json_body_or_none['forbidden']['message']


def test_boot_with_group_hint_adds_member(client, dbs, flavor, peers):
    group = _create(client).json_body_or_none['server_group']
    resp = client.post('/v2.1/servers', {
        'server': {'name': 'vm', 'flavorRef': '2',
                   'imageRef': test_servers.conftest.IMAGE_ID},
        'os:scheduler_hints': {'group': group['id']}})
    assert resp.status_int == 202
    server_id = resp.json_body_or_none['server']['id']
    shown = client.get(f'{SG}/{group["id"]}').json_body_or_none
    assert shown['server_group']['members'] == [server_id]
    spec = peers['task_api'].casts[0]['request_specs'][0]
    assert spec.instance_group.uuid == group['id']
    assert spec.instance_group.policies == ['anti-affinity']
    stored = objects.RequestSpec.get_by_instance_uuid(
        nova_context.get_admin_context(), server_id)
    assert stored.instance_group.uuid == group['id']


def test_deleted_server_leaves_the_members(client, dbs, flavor, peers):
    group = _create(client).json_body_or_none['server_group']
    server_id = client.post('/v2.1/servers', {
        'server': {'name': 'vm', 'flavorRef': '2',
                   'imageRef': test_servers.conftest.IMAGE_ID},
        'os:scheduler_hints': {'group': group['id']}}
    ).json_body_or_none['server']['id']
    assert client.delete(f'/v2.1/servers/{server_id}').status_int == 204
    shown = client.get(f'{SG}/{group["id"]}').json_body_or_none
    assert shown['server_group']['members'] == []


def test_boot_into_unknown_group_is_400(client, dbs, flavor, peers):
    resp = client.post('/v2.1/servers', {
        'server': {'name': 'vm', 'flavorRef': '2',
                   'imageRef': test_servers.conftest.IMAGE_ID},
        'os:scheduler_hints': {
            'group': '9f3c4a4e-0000-4000-8000-000000000000'}})
    assert resp.status_int == 400
    assert 'server group' in resp.json_body_or_none['badRequest']['message']
    assert peers['task_api'].casts == []


def test_boot_over_group_members_quota_is_403(client, dbs, flavor, peers,
                                              conf):
    conf.set_override('server_group_members', 1, group='quota')
    group = _create(client).json_body_or_none['server_group']
    server = {'name': 'vm', 'flavorRef': '2',
              'imageRef': test_servers.conftest.IMAGE_ID}
    hints = {'group': group['id']}
    assert client.post('/v2.1/servers', {
        'server': server, 'os:scheduler_hints': hints}).status_int == 202
    resp = client.post('/v2.1/servers', {
        'server': server, 'os:scheduler_hints': hints})
    assert resp.status_int == 403
    assert len(peers['task_api'].casts) == 1


def test_list_offset_beyond_any_integer_is_an_empty_page(client, dbs):
    huge = 3078450867079514706958436646948
    resp = client.get(SG + f'?limit={huge}&offset={huge}', version='2.15')
    assert resp.status_int == 200, resp.body
    assert resp.json_body_or_none['server_groups'] == []
