"""The unchanged ``openstack`` CLI drives the server actions, metadata
and tags (each CLI run takes about a second: one scenario)."""

from nova.tests.functional.test_openstack_cli import openstack  # noqa: F401


def test_cli_stops_starts_locks_and_tags_a_server(openstack, all_in_one,  # noqa: F811
                                                  api):
    image = all_in_one.image['name']
    created = openstack('server', 'create', '--flavor', 'm1.tiny',
                        '--image', image, '--nic', 'auto', '--wait',
                        '--property', 'color=blue', 'cli-actions')
    server_id = created['id']
    try:
        openstack('server', 'stop', server_id, parse=False)
        api.wait_for_server(server_id, ('SHUTOFF',))
        openstack('server', 'start', server_id, parse=False)
        api.wait_for_server(server_id, ('ACTIVE',))
        openstack('server', 'lock', server_id, parse=False)
        openstack('--os-compute-api-version', '2.26', 'server', 'set',
                  '--property', 'size=L', '--tag', 'web', server_id,
                  parse=False)
        shown = openstack('--os-compute-api-version', '2.26', 'server',
                          'show', server_id)
        assert shown['locked'] is True
        assert shown['properties'] == {'color': 'blue', 'size': 'L'}
        assert shown['tags'] == ['web']
        log = openstack('console', 'log', 'show', '--lines', '1', server_id,
                        parse=False)
        assert log.count('\n') == 1
        openstack('server', 'unlock', server_id, parse=False)
    finally:
        openstack('server', 'delete', '--wait', server_id, parse=False)
