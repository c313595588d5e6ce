"""Microversions 2.86 to 2.90.

2.86: flavor extra specs of known namespaces are checked. 2.87: rescue
of volume-backed servers (this cloud has none: booting from a volume
stays 400). 2.88: hypervisors without resource counters, uptime in show,
no statistics nor uptime paths. 2.89: volume attachment views (not
offered). 2.90: a server's hostname, set at create, update and
rebuild."""

import pytest
from tempest.lib.api_schema.response.compute.v2_89 import servers as v289

from nova.api import validation
from nova.tests.unit.api import conftest
from nova.tests.unit.api.openstack.compute import hosts_fixture, test_servers
from nova.tests.unit.api.openstack.compute.test_microversions_2_70_2_75 import (
    compute_rpc,
)

flavor = test_servers.flavor
_fixtures = (compute_rpc,)


# 2.86 ------------------------------------------------------------------------

def _set_specs(client, specs, version='2.86'):
    return client.post('/v2.1/flavors/2/os-extra_specs',
                       {'extra_specs': specs}, version=version)


@pytest.mark.parametrize('specs', [
    {'hw:cpu_policy': 'dedicated', 'hw:cpu_thread_policy': 'prefer'},
    {'hw:numa_nodes': '2', 'hw:numa_cpus.0': '0-1', 'hw:numa_mem.0': 1024},
    {'hw:mem_page_size': '2MB', 'hw_rng:allowed': 'True'},
    {'resources:VGPU': '1', 'resources1:CUSTOM_FPGA': 2,
     'trait:HW_CPU_X86_AVX2': 'required', 'trait2:CUSTOM_X': 'forbidden'},
    {'group_policy': 'isolate', 'quota:disk_read_bytes_sec': '10240'},
    {'aggregate_instance_extra_specs:ssd': 'true', 'capabilities:x': 'y'},
    {'pci_passthrough:alias': 'a1:2,a2:1', 'os:secure_boot': 'required'},
    # Namespaces this service does not claim, and keys without one.
    {'vmware:anything': 'x', 'my_filter:key': 'v', 'plain': 'value'}])
def test_valid_extra_specs_are_stored(admin_client, dbs, flavor, specs):
    resp = _set_specs(admin_client, specs)
    assert resp.status_int == 200, resp.body
    stored = admin_client.get('/v2.1/flavors/2/os-extra_specs',
                              version='2.86').json_body_or_none
    assert set(stored['extra_specs']) == set(specs)


@pytest.mark.parametrize('key, value', [
    ('hw:cpu_policy', 'greedy'), ('hw:cpu_cores', '0'),
    ('hw:cpu_sockets', 'two'), ('hw:numa_nodes', '-1'),
    ('hw:mem_page_size', 'huge'), ('hw:no_such_thing', 'x'),
    ('hw_rng:allowed', 'maybe'), ('trait:HW_CPU_X86_AVX2', 'wanted'),
    ('resources:VGPU', 'one'), ('resources:vgpu', '1'),
    ('group_policy', 'spread'), ('quota:cpu_shares', '-5'),
    ('quota:no_such_quota', '1'), ('pci_passthrough:alias', 'a1'),
    ('os:secure_boot', 'yes')])
def test_invalid_extra_specs_are_400_from_2_86(admin_client, dbs, flavor,
                                               key, value):
    resp = _set_specs(admin_client, {key: value})
    assert resp.status_int == 400, (key, value)
    assert key in resp.json_body_or_none['badRequest']['message']
    stored = admin_client.get('/v2.1/flavors/2/os-extra_specs',
                              version='2.86').json_body_or_none
    assert key not in stored['extra_specs']
    # Unchecked before 2.86.
    assert _set_specs(admin_client, {key: value},
                      version='2.85').status_int == 200


def test_update_of_one_extra_spec_is_checked(admin_client, dbs, flavor):
    url = '/v2.1/flavors/2/os-extra_specs/hw:cpu_policy'
    resp = admin_client.put(url, {'hw:cpu_policy': 'nope'}, version='2.86')
    assert resp.status_int == 400
    assert 'hw:cpu_policy' in resp.text
    resp = admin_client.put(url, {'hw:cpu_policy': 'shared'}, version='2.86')
    assert resp.status_int == 200
    assert resp.json_body_or_none == {'hw:cpu_policy': 'shared'}


def test_one_bad_spec_stores_none_of_the_request(admin_client, dbs, flavor):
    resp = _set_specs(admin_client, {'hw:cpu_policy': 'dedicated',
                                     'hw:cpu_threads': 'x'})
    assert resp.status_int == 400
    assert admin_client.get('/v2.1/flavors/2/os-extra_specs',
                            version='2.86').json_body_or_none == {
        'extra_specs': {}}


# 2.87 ------------------------------------------------------------------------

def test_booting_from_a_volume_stays_refused_at_2_87(client, dbs, flavor):
    resp = test_servers._boot(client, version='2.87', networks='none',
                              block_device_mapping_v2=[{
                                  'boot_index': 0, 'source_type': 'volume',
                                  'destination_type': 'volume',
                                  'uuid': '9f3c4a4e-0000-4000-8000-0000000000aa'}])
    assert resp.status_int == 400


# 2.88 ------------------------------------------------------------------------

_COUNTERS = {'vcpus', 'memory_mb', 'local_gb', 'vcpus_used', 'memory_mb_used',
             'local_gb_used', 'free_ram_mb', 'free_disk_gb',
             'current_workload', 'running_vms', 'disk_available_least',
             'cpu_info'}


def test_hypervisor_views_drop_counters_from_2_88(admin_client, dbs):
    _svc, node = hosts_fixture.add_compute(dbs, 'host1')
    shown = admin_client.get(f'/v2.1/os-hypervisors/{node.uuid}',
                             version='2.88').json_body_or_none['hypervisor']
    assert not _COUNTERS & set(shown)
    assert shown['uptime'] is None
    assert (shown['hypervisor_type'], shown['service']['host'],
            shown['host_ip']) == ('fake', 'host1', '192.0.2.10')
    (listed,) = admin_client.get('/v2.1/os-hypervisors/detail',
                                 version='2.88').json_body_or_none[
        'hypervisors']
    assert not _COUNTERS & set(listed)
    assert 'uptime' not in listed
    old = admin_client.get(f'/v2.1/os-hypervisors/{node.uuid}',
                           version='2.87').json_body_or_none['hypervisor']
    assert _COUNTERS <= set(old)
    assert 'uptime' not in old
    assert old['vcpus'] == 8


def test_hypervisor_statistics_and_uptime_gone_from_2_88(admin_client, dbs):
    _svc, node = hosts_fixture.add_compute(dbs, 'host1')
    assert admin_client.get('/v2.1/os-hypervisors/statistics',
                            version='2.87').status_int == 200
    assert admin_client.get('/v2.1/os-hypervisors/statistics',
                            version='2.88').status_int == 404
    assert admin_client.get(f'/v2.1/os-hypervisors/{node.uuid}/uptime',
                            version='2.88').status_int == 404
    assert admin_client.get(f'/v2.1/os-hypervisors/{node.uuid}/uptime',
                            version='2.87').status_int != 404


# 2.89 ------------------------------------------------------------------------

def test_volume_attachments_stay_not_offered_at_2_89(client, dbs, flavor):
    uuid = test_servers._boot(client, networks='none',
                              version='2.75').json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid)
    assert client.get(f'/v2.1/servers/{uuid}/os-volume_attachments',
                      version='2.89').status_int == 404


# 2.90 ------------------------------------------------------------------------

def _boot(client, version='2.90', **extra):
    return test_servers._boot(client, name='My Server', networks='none',
                              version=version, **extra)


def _scheduled(client, dbs, **extra):
    resp = _boot(client, **extra)
    assert resp.status_int == 202, resp.body
    uuid = resp.json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid)
    return uuid


def _hostname(client, uuid, version='2.90'):
    return client.get(f'/v2.1/servers/{uuid}', version=version
                      ).json_body_or_none['server'].get(
        'OS-EXT-SRV-ATTR:hostname')


def test_create_with_a_hostname_shows_it_to_the_owner(client, dbs, flavor):
    uuid = _scheduled(client, dbs, hostname='web-01')
    body = client.get(f'/v2.1/servers/{uuid}',
                      version='2.90').json_body_or_none
    validation.validate(v289.get_server['response_body'], body)
    assert body['server']['OS-EXT-SRV-ATTR:hostname'] == 'web-01'
    assert body['server']['name'] == 'My Server'
    detail = client.get('/v2.1/servers/detail',
                        version='2.90').json_body_or_none
    validation.validate(v289.list_servers_detail['response_body'], detail)
    assert detail['servers'][0]['OS-EXT-SRV-ATTR:hostname'] == 'web-01'
    # Not the owner's to see before 2.90 (nor the other extended ones).
    assert _hostname(client, uuid, version='2.89') is None
    shown = client.get(f'/v2.1/servers/{uuid}',
                       version='2.90').json_body_or_none['server']
    assert 'OS-EXT-SRV-ATTR:host' not in shown


def test_hostname_defaults_to_one_made_of_the_name(client, dbs, flavor):
    uuid = _scheduled(client, dbs)
    assert _hostname(client, uuid) == 'my-server'


def test_update_changes_the_hostname(client, dbs, flavor):
    uuid = _scheduled(client, dbs)
    resp = client.put(f'/v2.1/servers/{uuid}', {'server': {
        'hostname': 'db-2'}}, version='2.90')
    assert resp.status_int == 200, resp.body
    body = resp.json_body_or_none
    validation.validate(v289.update_server['response_body'], body)
    assert body['server']['OS-EXT-SRV-ATTR:hostname'] == 'db-2'
    assert body['server']['name'] == 'My Server'
    assert _hostname(client, uuid) == 'db-2'
    # Renaming leaves the hostname alone.
    client.put(f'/v2.1/servers/{uuid}', {'server': {'name': 'other'}},
               version='2.90')
    assert _hostname(client, uuid) == 'db-2'


def test_rebuild_changes_the_hostname(client, dbs, flavor,
                                      compute_rpc):
    uuid = _scheduled(client, dbs)
    resp = client.post(f'/v2.1/servers/{uuid}/action', {'rebuild': {
        'imageRef': conftest.IMAGE_ID, 'hostname': 'rebuilt'}},
        version='2.90')
    assert resp.status_int == 202, resp.body
    body = resp.json_body_or_none
    validation.validate(v289.rebuild_server_with_admin_pass['response_body'],
                        body)
    assert body['server']['OS-EXT-SRV-ATTR:hostname'] == 'rebuilt'
    assert _hostname(client, uuid) == 'rebuilt'


@pytest.mark.parametrize('hostname', [
    'a', '-web', 'web-', 'web_01', 'web.example.org', 'x' * 64, '', 5,
    None, 'wéb'])
def test_invalid_hostnames_are_400(client, dbs, flavor,
                                   compute_rpc,
                                   hostname):
    resp = _boot(client, hostname=hostname)
    assert resp.status_int == 400, hostname
    assert 'hostname' in resp.text
    uuid = _scheduled(client, dbs)
    resp = client.put(f'/v2.1/servers/{uuid}', {'server': {
        'hostname': hostname}}, version='2.90')
    assert resp.status_int == 400, hostname
    resp = client.post(f'/v2.1/servers/{uuid}/action', {'rebuild': {
        'imageRef': conftest.IMAGE_ID, 'hostname': hostname}},
        version='2.90')
    assert resp.status_int == 400, hostname
    assert _hostname(client, uuid) == 'my-server'


def test_hostname_before_2_90_is_400(client, dbs, flavor,
                                     compute_rpc):
    assert _boot(client, version='2.89',
                 hostname='web-01').status_int == 400
    uuid = _scheduled(client, dbs)
    assert client.put(f'/v2.1/servers/{uuid}', {'server': {
        'hostname': 'web-01'}}, version='2.89').status_int == 400
    assert client.post(f'/v2.1/servers/{uuid}/action', {'rebuild': {
        'imageRef': conftest.IMAGE_ID, 'hostname': 'web-01'}},
        version='2.89').status_int == 400


@pytest.mark.parametrize('counts', [{'max_count': 2}, {'min_count': 2},
                                    {'min_count': 1, 'max_count': 3}])
def test_hostname_with_multi_create_is_400(client, dbs, flavor, peers,
                                           counts):
    resp = _boot(client, hostname='web-01', **counts)
    assert resp.status_int == 400
    assert 'hostname' in resp.text
    assert peers['task_api'].casts == []
    assert _boot(client, hostname='web-01', max_count=1).status_int == 202
