"""The unchanged ``openstack`` CLI (python-openstackclient) against the
running service, with the environment nova-all prints."""

import json
import os
import subprocess
import sys

import pytest


def _cli_env(all_in_one):
    env = dict(os.environ)
    for key in list(env):
        if key.startswith('OS_'):
            del env[key]
    env.update({
        'OS_AUTH_TYPE': 'admin_token',
        'OS_TOKEN': 'admin:admin',
        'OS_ENDPOINT': all_in_one.endpoints.api_url,
        'OS_IMAGE_ENDPOINT_OVERRIDE': all_in_one.endpoints.glance_url,
        'OS_IDENTITY_ENDPOINT_OVERRIDE': all_in_one.endpoints.identity_url,
    })
    return env


@pytest.fixture(scope='module')
def openstack(all_in_one):
    exe = os.path.join(os.path.dirname(sys.executable), 'openstack')
    env = _cli_env(all_in_one)

    def run(*args, parse=True):
        proc = subprocess.run([exe, *args] + (['-f', 'json'] if parse else []),
                              env=env, capture_output=True, text=True, timeout=120,
                              check=False)
        assert proc.returncode == 0, f'openstack {" ".join(args)}: {proc.stderr}'
        return json.loads(proc.stdout) if parse else proc.stdout
    return run


def test_cli_creates_lists_shows_and_deletes_a_server(openstack, all_in_one):
    image = all_in_one.image['name']
    created = openstack('server', 'create', '--flavor', 'm1.tiny', '--image', image,
                        '--nic', 'auto', '--wait', 'cli-server')
    assert created['status'] == 'ACTIVE'
    listed = openstack('server', 'list', '--name', '^cli-server$')
    assert [s['ID'] for s in listed] == [created['id']]
    shown = openstack('server', 'show', created['id'])
    assert shown['name'] == 'cli-server' and shown['status'] == 'ACTIVE'
    openstack('server', 'delete', '--wait', created['id'], parse=False)
    assert openstack('server', 'list', '--name', '^cli-server$') == []
