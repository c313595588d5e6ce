"""Microversion 2.64: a server group has one ``policy`` and ``rules``."""

import pytest
from tempest.lib.api_schema.response.compute.v2_13 import server_groups as v213
from tempest.lib.api_schema.response.compute.v2_64 import server_groups as v264

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.scheduler import group_hosts

SG = '/v2.1/os-server-groups'
V = '2.64'


def _create(client, version=V, **spec):
    body = {'name': 'g1', 'policy': 'anti-affinity'}
    body.update(spec)
    return client.post(SG, {'server_group': body}, version=version)


def test_anti_affinity_with_max_server_per_host(client, dbs):
    resp = _create(client, rules={'max_server_per_host': 3})
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(v264.create_show_server_group['response_body'],
                        body)
    group = body['server_group']
    assert (group['policy'], group['rules']) == (
        'anti-affinity', {'max_server_per_host': 3})
    shown = client.get(f"{SG}/{group['id']}",
                       version=V).json_body_or_none
    validation.validate(v264.create_show_server_group['response_body'],
                        shown)
    assert shown['server_group']['rules'] == {'max_server_per_host': 3}
    listed = client.get(SG, version=V).json_body_or_none
    validation.validate(v264.list_server_groups['response_body'], listed)
    # What the scheduler reads from the group of a request.
    stored = objects.InstanceGroup.get_by_uuid(
        nova_context.get_admin_context(), group['id'])
    assert group_hosts.max_server_per_host(stored) == 3


def test_group_without_rules_shows_empty_rules(client, dbs):
    group = _create(client, policy='soft-affinity').json_body_or_none[
        'server_group']
    assert (group['policy'], group['rules']) == ('soft-affinity', {})


def test_older_versions_show_policies_of_a_2_64_group(client, dbs):
    group = _create(client, rules={'max_server_per_host': 2}
                    ).json_body_or_none['server_group']
    old = client.get(f"{SG}/{group['id']}",
                     version='2.63').json_body_or_none
    validation.validate(v213.create_show_server_group['response_body'], old)
    assert old['server_group']['policies'] == ['anti-affinity']


@pytest.mark.parametrize('spec', [
    {'policy': 'affinity', 'rules': {'max_server_per_host': 2}},
    {'rules': {'max_server_per_host': 0}},
    {'rules': {'other': 1}},
    {'policy': 'best-effort'},
    {'policies': ['anti-affinity']},
])
def test_bad_bodies_are_400(client, dbs, spec):
    resp = _create(client, **spec)
    assert resp.status_int == 400, spec
    assert objects.InstanceGroupList.get_all(
        nova_context.get_admin_context()).objects == []


def test_policy_and_rules_need_2_64(client, dbs):
    assert _create(client, version='2.63').status_int == 400
