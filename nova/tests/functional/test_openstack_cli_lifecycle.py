"""The unchanged ``openstack`` CLI resizes, rebuilds, snapshots, shelves
and rescues a server (one host: resizing to the same host is allowed
here; each CLI run takes about a second: one scenario)."""

import nova.conf
from nova.tests.functional.test_openstack_cli import openstack  # noqa: F401
from nova.tests.functional.test_server_actions import settled


def test_cli_resizes_rebuilds_snapshots_shelves_and_rescues(
        openstack, all_in_one, api):  # noqa: F811
    image = all_in_one.image['name']
    created = openstack('server', 'create', '--flavor', 'm1.tiny',
                        '--image', image, '--nic', 'auto', '--wait',
                        'cli-life')
    server_id = created['id']
    nova.conf.CONF.set_override('allow_resize_to_same_host', True)
    try:
        openstack('server', 'resize', '--flavor', 'm1.small', '--wait',
                  server_id, parse=False)
        assert api.get_server(server_id)['status'] == 'VERIFY_RESIZE'
        openstack('server', 'resize', 'confirm', server_id, parse=False)
        shown = settled(api, server_id, 'ACTIVE')
        assert shown['flavor']['original_name'] == 'm1.small'

        openstack('server', 'rebuild', '--image', image, '--wait',
                  server_id, parse=False)
        settled(api, server_id, 'ACTIVE')

        snap = openstack('server', 'image', 'create', '--name', 'cli-snap',
                         '--wait', server_id)
        assert snap['name'] == 'cli-snap'
        openstack('image', 'delete', snap['id'], parse=False)

        openstack('server', 'shelve', server_id, parse=False)
        settled(api, server_id, 'SHELVED_OFFLOADED')
        openstack('server', 'unshelve', server_id, parse=False)
        settled(api, server_id, 'ACTIVE')

        openstack('server', 'rescue', server_id, parse=False)
        settled(api, server_id, 'RESCUE')
        openstack('server', 'unrescue', server_id, parse=False)
        settled(api, server_id, 'ACTIVE')
    finally:
        nova.conf.CONF.clear_override('allow_resize_to_same_host')
        openstack('server', 'delete', '--wait', server_id, parse=False)
