"""Microversions 2.48 - 2.52 over real DBs: standard diagnostics, quota
classes without network resources, volume-extended events and action
events for everyone, tags at server create."""

import copy

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import quota_classes as classes21
from tempest.lib.api_schema.response.compute.v2_1 import (
    server_external_events as events21,
)
from tempest.lib.api_schema.response.compute.v2_48 import servers as v248
from tempest.lib.api_schema.response.compute.v2_50 import quota_classes as classes250
from tempest.lib.api_schema.response.compute.v2_51 import servers as v251

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api.openstack.compute import test_instance_actions, test_servers

flavor = test_servers.flavor

STANDARD = {
    'state': 'running', 'driver': 'libvirt', 'hypervisor': 'kvm',
    'hypervisor_os': 'linux', 'uptime': 46664, 'config_drive': True,
    'memory_details': {'maximum': 524288, 'used': 0},
    'cpu_details': [{'id': 0, 'time': 17300000000, 'utilisation': 15}],
    'nic_details': [{'mac_address': '01:23:45:67:89:ab', 'rx_octets': 2070,
                     'rx_packets': 26, 'tx_octets': 140}],
    'disk_details': [{'read_bytes': 262144, 'read_requests': 112,
                      'write_bytes': 5778432, 'write_requests': 488,
                      'errors_count': 1}],
}


def _active(client, dbs):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid)
    return uuid


# 2.48 ------------------------------------------------------------------------

def test_diagnostics_have_the_standard_shape_from_2_48(
        client, admin_client, dbs, flavor, peers):
    uuid = _active(client, dbs)
    peers['compute_rpc'].get_instance_diagnostics = \
        lambda ctxt, instance: dict(STANDARD)
    peers['compute_rpc'].get_diagnostics = \
        lambda ctxt, instance: {'cpu0_time': 1}
    url = f'/v2.1/servers/{uuid}/diagnostics'
    resp = admin_client.get(url, version='2.48')
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(v248.show_server_diagnostics['response_body'], body)
    # Counts come from the details; a counter the driver lacks is null.
    assert (body['num_cpus'], body['num_nics'], body['num_disks']) == (
        1, 1, 1)
    assert body['nic_details'][0]['tx_drop'] is None
    assert body['cpu_details'][0]['utilisation'] == 15
    # 2.47 still gets the driver's own dict.
    assert admin_client.get(url, version='2.47').json_body_or_none == {
        'cpu0_time': 1}


def test_standard_diagnostics_without_driver_support_are_501(
        client, admin_client, dbs, flavor, peers):
    uuid = _active(client, dbs)
    peers['compute_rpc'].get_diagnostics = lambda ctxt, instance: {}
    url = f'/v2.1/servers/{uuid}/diagnostics'
    # The compute has no standard diagnostics call at all.
    resp = admin_client.get(url, version='2.48')
    assert resp.status_int == 501
    assert 'standard diagnostics' in resp.json_body_or_none[
        'notImplemented']['message']

    def not_implemented(ctxt, instance):
        raise NotImplementedError()
    peers['compute_rpc'].get_instance_diagnostics = not_implemented
    assert admin_client.get(url, version='2.48').status_int == 501


# 2.50 ------------------------------------------------------------------------

CLASS_URL = '/v2.1/os-quota-class-sets/default'
NETWORK = {'fixed_ips', 'floating_ips', 'security_groups',
           'security_group_rules'}
GROUPS = {'server_groups', 'server_group_members'}


def test_quota_class_before_2_50_has_network_not_group_resources(
        admin_client, dbs):
    body = admin_client.get(CLASS_URL, version='2.49').json_body_or_none
    validation.validate(classes21.get_quota_class_set['response_body'], body)
    assert NETWORK <= set(body['quota_class_set'])
    assert not GROUPS & set(body['quota_class_set'])


def test_quota_class_from_2_50_has_group_not_network_resources(
        admin_client, dbs):
    resp = admin_client.put(CLASS_URL, {'quota_class_set': {
        'server_groups': 7}}, version='2.50')
    assert resp.status_int == 200
    validation.validate(classes250.update_quota_class_set['response_body'],
                        resp.json_body_or_none)
    body = admin_client.get(CLASS_URL, version='2.50').json_body_or_none
    validation.validate(classes250.get_quota_class_set['response_body'],
                        body)
    assert body['quota_class_set']['server_groups'] == 7
    assert not NETWORK & set(body['quota_class_set'])


@pytest.mark.parametrize('resource', sorted(NETWORK))
def test_network_quota_classes_are_refused_from_2_50(admin_client, dbs,
                                                     resource):
    body = {'quota_class_set': {resource: 5}}
    assert admin_client.put(CLASS_URL, body,
                            version='2.50').status_int == 400
    assert admin_client.put(CLASS_URL, body,
                            version='2.49').status_int == 200


# 2.51 ------------------------------------------------------------------------

def test_volume_extended_event_from_2_51(client, admin_client, dbs, flavor):
    uuid = _active(client, dbs)
    body = {'events': [{'server_uuid': uuid, 'name': 'volume-extended',
                        'tag': '0f6e2a4c-0000-4000-8000-000000000001'}]}
    url = '/v2.1/os-server-external-events'
    assert admin_client.post(url, body, version='2.50').status_int == 400
    resp = admin_client.post(url, body, version='2.51')
    assert resp.status_int == 200
    # Tempest publishes no 2.51 schema: the 2.1 one with the new name.
    schema = copy.deepcopy(events21.create['response_body'])
    schema['properties']['events']['items']['properties']['name'][
        'enum'].append('volume-extended')
    validation.validate(schema, resp.json_body_or_none)
    assert resp.json_body_or_none['events'][0]['code'] == 200


def test_action_events_for_everyone_from_2_51_tracebacks_for_admins(
        client, admin_client, dbs, flavor):
    uuid = test_instance_actions._server_with_action(client, dbs)
    ctxt = nova_context.RequestContext(
        user_id='fake-user', project_id='fake-project', request_id='req-1')
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        objects.InstanceActionEvent.event_finish_with_failure(
            cctxt, uuid, 'compute_build_and_run_instance',
            exc_val=ValueError('boom'), exc_tb='Traceback: boom')
    url = f'/v2.1/servers/{uuid}/os-instance-actions/req-1'
    assert 'events' not in client.get(
        url, version='2.50').json_body_or_none['instanceAction']
    body = client.get(url, version='2.51').json_body_or_none
    validation.validate(v251.show_instance_action['response_body'], body)
    (event,) = body['instanceAction']['events']
    assert event['event'] == 'compute_build_and_run_instance'
    assert event['result'] == 'Error'
    assert 'traceback' not in event
    admin = admin_client.get(url, version='2.51').json_body_or_none
    assert 'boom' in admin['instanceAction']['events'][0]['traceback']


# 2.52 ------------------------------------------------------------------------

def test_tags_at_create_from_2_52(client, dbs, flavor, peers):
    resp = test_servers._boot(client, version='2.52', networks='none',
                              tags=['web', 'prod'])
    assert resp.status_int == 202
    uuid = resp.json_body_or_none['server']['id']
    shown = client.get(f'/v2.1/servers/{uuid}',
                       version='2.52').json_body_or_none['server']
    assert sorted(shown['tags']) == ['prod', 'web']
    assert sorted(peers['task_api'].casts[0]['tags']) == ['prod', 'web']
    # Scheduled, the instance keeps them.
    test_servers._schedule(dbs, uuid)
    tags = client.get(f'/v2.1/servers/{uuid}/tags',
                      version='2.52').json_body_or_none['tags']
    assert sorted(tags) == ['prod', 'web']


@pytest.mark.parametrize('tags', [['a/b'], ['a,b'], [''], ['x' * 61],
                                  [f't{i}' for i in range(51)], 'web'])
def test_bad_tags_at_create_are_400(client, dbs, flavor, tags):
    resp = test_servers._boot(client, version='2.52', networks='none',
                              tags=tags)
    assert resp.status_int == 400


def test_tags_at_create_are_refused_before_2_52(client, dbs, flavor):
    resp = test_servers._boot(client, version='2.51', networks='none',
                              tags=['web'])
    assert resp.status_int == 400
