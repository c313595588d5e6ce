"""The unchanged ``openstack`` CLI on what microversions 2.52 and 2.54
added: tags given at create and a key pair changed by a rebuild."""

import os
import subprocess
import tempfile

from nova.tests.functional.test_openstack_cli import openstack  # noqa: F401
from nova.tests.functional.test_server_actions import settled


def _public_key():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'key')
        subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '',
                        '-f', path], check=True)
        with open(path + '.pub') as f:
            return f.read()


def test_cli_creates_with_tags_and_rebuilds_with_another_key(
        openstack, all_in_one, api, tmp_path):  # noqa: F811
    image = all_in_one.image['name']
    key_file = tmp_path / 'cli-key2.pub'
    key_file.write_text(_public_key())
    openstack('keypair', 'create', '--public-key', str(key_file),
              'cli-key2')
    created = openstack('server', 'create', '--flavor', 'm1.tiny',
                        '--image', image, '--nic', 'none', '--tag', 'web',
                        '--tag', 'prod', '--wait', 'cli-tagged')
    server_id = created['id']
    try:
        shown = api.get_server(server_id)
        assert sorted(shown['tags']) == ['prod', 'web']
        openstack('server', 'rebuild', '--image', image, '--key-name',
                  'cli-key2', '--wait', server_id, parse=False)
        assert settled(api, server_id, 'ACTIVE')['key_name'] == 'cli-key2'
    finally:
        openstack('server', 'delete', '--wait', server_id, parse=False)
        openstack('keypair', 'delete', 'cli-key2', parse=False)
