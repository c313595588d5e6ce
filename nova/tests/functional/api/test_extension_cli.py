"""The unchanged ``openstack`` CLI on server groups and usage.

(``flavor set --project`` is left out: the CLI first looks the project
up in the identity service, which nova-all does not run.)"""

from nova.tests.functional import test_openstack_cli

openstack = test_openstack_cli.openstack


def test_cli_server_group_lifecycle(openstack):
    created = openstack('server', 'group', 'create', '--policy',
                        'anti-affinity', 'cli-group')
    assert created['name'] == 'cli-group'
    try:
        listed = openstack('server', 'group', 'list')
        assert created['id'] in [g['ID'] for g in listed]
        shown = openstack('server', 'group', 'show', created['id'])
        assert 'anti-affinity' in str(shown.get('policy') or
                                      shown.get('policies'))
    finally:
        openstack('server', 'group', 'delete', created['id'], parse=False)


def test_cli_usage_list(openstack):
    rows = openstack('usage', 'list', '--start', '2000-01-01')
    assert isinstance(rows, list)

