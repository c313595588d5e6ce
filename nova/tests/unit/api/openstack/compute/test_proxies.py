"""The proxy APIs (networks, security groups, floating IPs, bare metal
nodes) up to 2.35 and their 404 from 2.36."""

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import (
    floating_ips as fip_schema,
)
from tempest.lib.api_schema.response.compute.v2_1 import (
    security_groups as sg_schema,
)
from tempest.lib.api_schema.response.compute.v2_1 import (
    tenant_networks as tn_schema,
)

from nova.api import validation
from nova.api.openstack.compute import security_groups
from nova.network import flat
from nova.tests.unit.api.openstack.compute import test_servers

flavor = test_servers.flavor
OLD = '2.35'


@pytest.mark.parametrize('path', [
    '/os-networks', '/os-tenant-networks', '/os-security-groups',
    '/os-floating-ips', '/os-floating-ip-pools', '/os-baremetal-nodes'])
def test_proxies_are_404_from_2_36(admin_client, dbs, path):
    assert admin_client.get(f'/v2.1{path}', version='2.36').status_int == \
        404


def test_networks_list_the_flat_network(client, admin_client, dbs):
    resp = client.get('/v2.1/os-networks', version=OLD)
    assert resp.status_int == 200
    (net,) = resp.json_body_or_none['networks']
    assert (net['id'], net['label'], net['cidr'], net['netmask']) == (
        flat.network_id(), 'private', '10.0.0.0/24', '255.255.255.0')
    assert 'vlan' not in net
    admin_net = admin_client.get(
        '/v2.1/os-networks', version=OLD).json_body_or_none['networks'][0]
    assert 'vlan' in admin_net and admin_net['bridge'] == 'br100'
    resp = client.get(f'/v2.1/os-networks/{flat.network_id()}',
                      version=OLD)
    assert resp.json_body_or_none['network']['label'] == 'private'
    assert client.get('/v2.1/os-networks/nope', version=OLD).status_int \
        == 404


def test_network_changes_are_410(admin_client, dbs):
    assert admin_client.post('/v2.1/os-networks', {'network': {}},
                             version=OLD).status_int == 410
    assert admin_client.post('/v2.1/os-networks/add', {'id': 'x'},
                             version=OLD).status_int == 410
    assert admin_client.delete(f'/v2.1/os-networks/{flat.network_id()}',
                               version=OLD).status_int == 410
    assert admin_client.post('/v2.1/os-tenant-networks', {'network': {}},
                             version=OLD).status_int == 410


def test_tenant_networks_match_schema(client, dbs):
    resp = client.get('/v2.1/os-tenant-networks', version=OLD)
    validation.validate(tn_schema.list_tenant_networks['response_body'],
                        resp.json_body_or_none)
    resp = client.get(f'/v2.1/os-tenant-networks/{flat.network_id()}',
                      version=OLD)
    validation.validate(tn_schema.get_tenant_network['response_body'],
                        resp.json_body_or_none)


def test_security_groups_list_the_default_group(client, dbs):
    resp = client.get('/v2.1/os-security-groups', version=OLD)
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(sg_schema.list_security_groups['response_body'],
                        body)
    (group,) = body['security_groups']
    assert (group['name'], group['tenant_id']) == ('default',
                                                   'fake-project')
    resp = client.get(f'/v2.1/os-security-groups/{group["id"]}',
                      version=OLD)
    validation.validate(sg_schema.get_security_group['response_body'],
                        resp.json_body_or_none)
    assert client.get('/v2.1/os-security-groups/other',
                      version=OLD).status_int == 404


def test_security_group_changes(client, dbs):
    group = security_groups.default_group('fake-project')
    resp = client.post('/v2.1/os-security-groups', {'security_group': {
        'name': 'web', 'description': 'web'}}, version=OLD)
    assert resp.status_int == 501
    assert 'default security group' in resp.json_body_or_none[
        'notImplemented']['message']
    assert client.delete(f'/v2.1/os-security-groups/{group["id"]}',
                         version=OLD).status_int == 400
    assert client.post('/v2.1/os-security-group-rules', {
        'security_group_rule': {'parent_group_id': group['id']}},
        version=OLD).status_int == 501
    assert client.delete('/v2.1/os-security-group-rules/1',
                         version=OLD).status_int == 404


def test_server_security_groups_at_every_version(client, dbs, flavor,
                                                 peers):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    resp = client.get(f'/v2.1/servers/{uuid}/os-security-groups',
                      version='2.47')
    assert resp.status_int == 200
    assert [g['name'] for g in resp.json_body_or_none[
        'security_groups']] == ['default']


def test_floating_ips_are_empty(client, dbs):
    resp = client.get('/v2.1/os-floating-ips', version=OLD)
    validation.validate(fip_schema.list_floating_ips['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none == {'floating_ips': []}
    assert client.get('/v2.1/os-floating-ip-pools',
                      version=OLD).json_body_or_none == {
        'floating_ip_pools': []}
    resp = client.post('/v2.1/os-floating-ips', {'pool': 'public'},
                       version=OLD)
    assert resp.status_int == 404
    assert 'public' in resp.json_body_or_none['itemNotFound']['message']
    assert client.get('/v2.1/os-floating-ips/1', version=OLD).status_int \
        == 404
    assert client.delete('/v2.1/os-floating-ips/1',
                         version=OLD).status_int == 404


def test_baremetal_nodes(admin_client, client, dbs):
    resp = admin_client.get('/v2.1/os-baremetal-nodes', version=OLD)
    assert resp.status_int == 501
    assert 'Ironic' in resp.json_body_or_none['notImplemented']['message']
    assert admin_client.post('/v2.1/os-baremetal-nodes', {'node': {}},
                             version=OLD).status_int == 400
    assert client.get('/v2.1/os-baremetal-nodes',
                      version=OLD).status_int == 403
