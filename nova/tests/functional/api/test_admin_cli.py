"""The unchanged ``openstack`` CLI on services, hypervisors, zones,
aggregates, quotas and limits of the running service."""

import json
import os
import subprocess
import sys

import pytest


@pytest.fixture(scope='module')
def openstack(all_in_one):
    exe = os.path.join(os.path.dirname(sys.executable), 'openstack')
    env = {k: v for k, v in os.environ.items() if not k.startswith('OS_')}
    env.update({
        'OS_AUTH_TYPE': 'admin_token',
        'OS_TOKEN': 'admin:admin',
        'OS_ENDPOINT': all_in_one.endpoints.api_url,
        'OS_IDENTITY_ENDPOINT_OVERRIDE': all_in_one.endpoints.identity_url,
    })

    def run(*args, parse=True):
        proc = subprocess.run(
            [exe, *args] + (['-f', 'json'] if parse else []), env=env,
            capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, \
            f'openstack {" ".join(args)}: {proc.stderr}'
        return json.loads(proc.stdout) if parse else proc.stdout
    return run


def test_cli_lists_services_hypervisors_and_zones(openstack):
    services = openstack('compute', 'service', 'list')
    compute = [s for s in services if s['Binary'] == 'nova-compute']
    assert compute and compute[0]['State'] == 'up'
    hypervisors = openstack('hypervisor', 'list')
    assert hypervisors and hypervisors[0]['State'] == 'up'
    zones = openstack('availability', 'zone', 'list', '--compute')
    assert {'Zone Name': 'nova', 'Zone Status': 'available'} in zones


def test_cli_manages_an_aggregate(openstack):
    host = next(s['Host'] for s in openstack('compute', 'service', 'list')
                if s['Binary'] == 'nova-compute')
    created = openstack('aggregate', 'create', '--zone', 'cli-zone',
                        '--property', 'ssd=true', 'cli-agg')
    try:
        assert created['availability_zone'] == 'cli-zone'
        added = openstack('aggregate', 'add', 'host', 'cli-agg', host)
        assert host in added['hosts']
        removed = openstack('aggregate', 'remove', 'host', 'cli-agg', host)
        assert host not in removed['hosts']
    finally:
        openstack('aggregate', 'delete', 'cli-agg', parse=False)


def test_cli_shows_absolute_limits(openstack):
    limits = openstack('limits', 'show', '--absolute')
    names = {row['Name'] for row in limits}
    assert {'instances', 'instances_used', 'total_cores'} <= names


def test_cli_disables_and_enables_a_compute_service(openstack):
    """The CLI negotiates the highest version both know (2.53 or later
    here: PUT /os-services/{service_id} by uuid)."""
    host = next(s['Host'] for s in openstack('compute', 'service', 'list')
                if s['Binary'] == 'nova-compute')
    try:
        openstack('compute', 'service', 'set', '--disable',
                  '--disable-reason', 'cli maintenance', host,
                  'nova-compute', parse=False)
        shown = next(s for s in openstack('compute', 'service', 'list',
                                          '--long')
                     if s['Host'] == host and s['Binary'] == 'nova-compute')
        assert (shown['Status'], shown['Disabled Reason']) == (
            'disabled', 'cli maintenance')
    finally:
        openstack('compute', 'service', 'set', '--enable', host,
                  'nova-compute', parse=False)
    shown = next(s for s in openstack('compute', 'service', 'list')
                 if s['Host'] == host and s['Binary'] == 'nova-compute')
    assert shown['Status'] == 'enabled'


def test_cli_shows_a_hypervisor_by_name(openstack):
    listed = openstack('hypervisor', 'list')
    name = listed[0]['Hypervisor Hostname']
    shown = openstack('hypervisor', 'show', name)
    # 2.53: hypervisors are named by their uuid.
    assert shown['id'] == listed[0]['ID']
    assert len(shown['id']) == 36 and shown['id'].count('-') == 4


def test_cli_flavor_description(openstack):
    """2.55: the CLI creates and changes a flavor's description."""
    openstack('flavor', 'create', '--ram', '64', '--disk', '1', '--vcpus',
              '1', '--description', 'first', 'cli-described')
    try:
        assert openstack('flavor', 'show', 'cli-described')[
            'description'] == 'first'
        openstack('flavor', 'set', '--description', 'second',
                  'cli-described', parse=False)
        assert openstack('flavor', 'show', 'cli-described')[
            'description'] == 'second'
    finally:
        openstack('flavor', 'delete', 'cli-described', parse=False)


def test_cli_lists_hypervisors_matching_a_name(openstack):
    """2.53: --matching is the hypervisor_hostname_pattern query."""
    name = openstack('hypervisor', 'list')[0]['Hypervisor Hostname']
    matching = openstack('hypervisor', 'list', '--matching', name[:3])
    assert name in [h['Hypervisor Hostname'] for h in matching]


def test_cli_forces_a_compute_service_down_and_up(openstack):
    host = next(s['Host'] for s in openstack('compute', 'service', 'list')
                if s['Binary'] == 'nova-compute')
    version = ('--os-compute-api-version', '2.53')
    try:
        openstack(*version, 'compute', 'service', 'set', '--down', host,
                  'nova-compute', parse=False)
        shown = next(s for s in openstack('compute', 'service', 'list')
                     if s['Host'] == host and s['Binary'] == 'nova-compute')
        assert shown['State'] == 'down'
    finally:
        openstack(*version, 'compute', 'service', 'set', '--up', host,
                  'nova-compute', parse=False)
    shown = next(s for s in openstack('compute', 'service', 'list')
                 if s['Host'] == host and s['Binary'] == 'nova-compute')
    assert shown['State'] == 'up'
