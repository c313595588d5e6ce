"""Boot, list, show and delete servers through the REST API, end to end:
API -> conductor -> scheduler (real Placement) -> compute (fake driver)."""

import pytest

import nova.conf
from nova.compute import power_state

CONF = nova.conf.CONF


def _flavor(api, flavor_id='1'):
    resp = api.get(f'/flavors/{flavor_id}')
    assert resp.status_code == 200, resp.text
    return resp.json()['flavor']


def _fixed_ips(server):
    return [a['addr'] for addrs in server['addresses'].values() for a in addrs
            if a.get('OS-EXT-IPS:type', 'fixed') == 'fixed']


@pytest.fixture
def server(api, image_id):
    """An ACTIVE server, deleted after the test if still there."""
    created = api.create_server('func-server', image_id)
    active = api.wait_for_server(created['id'], ('ACTIVE', 'ERROR'))
    yield active
    if api.get(f"/servers/{created['id']}").status_code == 200:
        api.delete(f"/servers/{created['id']}")
        api.wait_until_gone(created['id'])


def test_boot_answers_202_with_the_id_and_a_password(api, image_id):
    resp = api.post('/servers', json={'server': {
        'name': 'accepted', 'imageRef': image_id, 'flavorRef': '1',
        'networks': 'auto'}})
    assert resp.status_code == 202, resp.text
    body = resp.json()['server']
    assert body['id'] and body['adminPass']
    assert resp.headers['Location'].endswith('/servers/' + body['id'])
    api.wait_for_server(body['id'], ('ACTIVE', 'ERROR'))
    api.delete(f"/servers/{body['id']}")
    api.wait_until_gone(body['id'])


def test_boot_goes_from_build_to_active_and_nowhere_else(api, image_id):
    server_id = api.create_server('states', image_id)['id']
    try:
        seen = api.watch_states(server_id, 'ACTIVE')
        assert seen[-1] == ('ACTIVE', 'active', None), seen
        for status, vm_state, task_state in seen[:-1]:
            assert (status, vm_state) == ('BUILD', 'building'), seen
            assert task_state in ('scheduling', 'networking', 'block_device_mapping',
                                  'spawning', None), seen
    finally:
        api.delete(f'/servers/{server_id}')
        api.wait_until_gone(server_id)


def test_boot_ends_active_running_on_the_compute_host(api, server):
    assert server['status'] == 'ACTIVE', server.get('fault')
    assert server['OS-EXT-STS:vm_state'] == 'active'
    assert server['OS-EXT-STS:task_state'] is None
    assert server['OS-EXT-STS:power_state'] == power_state.RUNNING
    assert server['OS-EXT-SRV-ATTR:host'] == CONF.host
    assert server['OS-SRV-USG:launched_at']


def test_boot_gives_a_fixed_ip_on_the_flat_network(server):
    assert list(server['addresses']) == [CONF.network.flat_network_name]
    ips = _fixed_ips(server)
    assert len(ips) == 1 and ips[0].startswith('10.0.0.')


def test_boot_records_the_create_action_with_the_request_id(api, image_id):
    resp = api.post('/servers', json={'server': {
        'name': 'action', 'imageRef': image_id, 'flavorRef': '1',
        'networks': 'auto'}})
    assert resp.status_code == 202, resp.text
    server_id = resp.json()['server']['id']
    request_id = resp.headers['x-openstack-request-id']
    api.wait_for_server(server_id, ('ACTIVE',))
    actions = api.get(f'/servers/{server_id}/os-instance-actions').json()[
        'instanceActions']
    assert [(a['action'], a['request_id']) for a in actions] == [
        ('create', request_id)]
    api.delete(f'/servers/{server_id}')
    api.wait_until_gone(server_id)


def test_allocations_equal_the_flavor_while_the_server_lives(api, placement, server):
    flavor = _flavor(api)
    allocations = placement.allocations(server['id'])
    assert len(allocations) == 1
    (resources,) = [a['resources'] for a in allocations.values()]
    assert resources == {'VCPU': flavor['vcpus'],
                         'MEMORY_MB': flavor['ram'],
                         'DISK_GB': flavor['disk']}


def test_delete_removes_the_server_and_its_allocations(api, placement, server):
    resp = api.delete(f"/servers/{server['id']}")
    assert resp.status_code == 204, resp.text
    api.wait_until_gone(server['id'])
    assert placement.allocations(server['id']) == {}


def test_delete_is_recorded_as_an_action(api, server):
    api.delete(f"/servers/{server['id']}")
    api.wait_until_gone(server['id'])
    actions = api.get(f"/servers/{server['id']}/os-instance-actions").json()[
        'instanceActions']
    assert sorted(a['action'] for a in actions) == ['create', 'delete']


def test_delete_releases_the_fixed_ip(api, image_id, server):
    (ip,) = _fixed_ips(server)
    api.delete(f"/servers/{server['id']}")
    api.wait_until_gone(server['id'])
    # Fixed IPs go lowest-free first: the next server gets the freed one.
    again = api.create_server('reuse-ip', image_id)
    again = api.wait_for_server(again['id'], ('ACTIVE',))
    try:
        assert _fixed_ips(again) == [ip]
    finally:
        api.delete(f"/servers/{again['id']}")
        api.wait_until_gone(again['id'])


def test_show_unknown_server_is_404_with_a_message(api):
    resp = api.get('/servers/9b7c8f3e-0000-4000-8000-000000000000')
    assert resp.status_code == 404
    assert 'could not be found' in resp.json()['itemNotFound']['message']


def test_list_pages_through_25_servers_with_limit_marker_and_next(api, image_id):
    ids = [api.create_server(f'page-{i:02d}', image_id)['id'] for i in range(25)]
    try:
        for server_id in ids:
            api.wait_for_server(server_id, ('ACTIVE',))
        seen, url, pages = [], '/servers?limit=10', 0
        while url:
            resp = api.get(url)
            assert resp.status_code == 200, resp.text
            body = resp.json()
            seen.extend(s['id'] for s in body['servers'])
            links = {link['rel']: link['href'] for link in body.get('servers_links', [])}
            url = links.get('next')
            pages += 1
            assert pages <= 4, 'next links do not end'
        assert pages == 3
        assert len(seen) == len(set(seen)) and set(ids) <= set(seen)
        # marker alone: the page after the given server, newest first.
        after = api.get(f'/servers?limit=5&marker={seen[4]}').json()['servers']
        assert [s['id'] for s in after] == seen[5:10]
    finally:
        for server_id in ids:
            api.delete(f'/servers/{server_id}')
        for server_id in ids:
            api.wait_until_gone(server_id)


def test_list_with_an_unknown_marker_is_400(api):
    resp = api.get('/servers?marker=9b7c8f3e-0000-4000-8000-000000000000')
    assert resp.status_code == 400
    assert 'marker' in resp.json()['badRequest']['message'].lower()


def test_server_that_cannot_be_scheduled_goes_to_error_with_a_fault(api, image_id):
    from nova import context, objects
    # More disk than the host has (disk is not a quota: the scheduler says no).
    flavor = objects.Flavor(context.get_admin_context(), name='too-big',
                            flavorid='too-big', memory_mb=64, vcpus=1,
                            root_gb=CONF.compute.fake_local_gb * 2, ephemeral_gb=0, swap=0,
                            rxtx_factor=1.0, vcpu_weight=0, disabled=False,
                            is_public=True, extra_specs={}, description=None)
    flavor.create()
    try:
        created = api.create_server('unschedulable', image_id, flavor_ref='too-big')
        server = api.wait_for_server(created['id'], ('ERROR', 'ACTIVE'))
        assert server['status'] == 'ERROR'
        assert server['OS-EXT-STS:vm_state'] == 'error'
        assert 'No valid host' in server['fault']['message']
        api.delete(f"/servers/{created['id']}")
        api.wait_until_gone(created['id'])
    finally:
        flavor.destroy()
