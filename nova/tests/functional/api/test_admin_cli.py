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
