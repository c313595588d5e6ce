"""Resize, confirm, revert and cold migrate over the REST API, between
the session's compute host and a second fake compute host started here,
with the Placement allocations checked at each step."""

import threading
import time

import pytest

import nova.conf
from nova import context as nova_context
from nova import objects, service
from nova.compute import resize as compute_resize
from nova.scheduler import host_discovery
from nova.scheduler.client import report
from nova.tests.functional import fixtures
from nova.tests.functional.test_server_actions import (
    act,
    conflict_message,
    events,
    settled,
)
from nova.virt import fake

SECOND_HOST = 'functional-host2'
_SECOND_HOSTS = []     # the extra nova-compute services running now


@pytest.fixture(scope='module')
def two_hosts(all_in_one):
    """A second nova-compute (fake driver) beside the session's one; on
    teardown it is stopped and forgotten by Placement and the DBs, so the
    scheduler of later modules never picks it."""
    yield from second_host(SECOND_HOST)


def second_host(host_name):
    """Start nova-compute ``host_name``; yield it; forget it. Each test
    module uses its own name: a node row, once deleted, keeps its uuid."""
    compute = service.Service.create('nova-compute', host=host_name)
    compute.start()
    _SECOND_HOSTS.append(compute)
    ctxt = nova_context.get_admin_context()
    host_discovery.discover_hosts(ctxt)
    try:
        yield compute
    finally:
        _SECOND_HOSTS.remove(compute)
        compute.stop()
        client = report.SchedulerReportClient()
        for node in objects.ComputeNodeList.get_all_by_host(ctxt,
                                                            host_name):
            client.delete_resource_provider(ctxt, node, cascade=True)
            node.destroy()
        objects.Service.get_by_host_and_binary(
            ctxt, host_name, 'nova-compute').destroy()
        objects.HostMapping.get_by_host(ctxt, host_name).destroy()


@pytest.fixture
def server(api, image_id, two_hosts):
    created = api.create_server('moving-server', image_id, flavor_ref='1')
    active = api.wait_for_server(created['id'], ('ACTIVE', 'ERROR'))
    assert active['status'] == 'ACTIVE', active.get('fault')
    yield active
    fake.FakeDriver.clear_faults()
    if api.get(f"/servers/{created['id']}").status_code == 200:
        api.delete(f"/servers/{created['id']}")
        api.wait_until_gone(created['id'])


def _provider_of(placement, host):
    (rp,) = [p for p in placement.providers() if p['name'] == host]
    return rp['uuid']


def _migration(server_id):
    ctxt = nova_context.get_admin_context()
    found = objects.MigrationList.get_by_filters(
        ctxt, {'instance_uuid': server_id})
    return found[0] if found else None


def _resources(allocations):
    return {rp: a['resources'] for rp, a in allocations.items()}


TINY = {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1}
SMALL = {'VCPU': 1, 'MEMORY_MB': 2048, 'DISK_GB': 20}


def test_resize_holds_both_hosts_then_confirm_keeps_the_destination(
        api, placement, server):
    source = server['OS-EXT-SRV-ATTR:host']
    gate = threading.Event()
    fake.FakeDriver.set_delay('finish_migration', gate)
    resp = act(api, server['id'], {'resize': {'flavorRef': '2'}})
    assert resp.status_code == 202, resp.text
    try:
        # While the destination finishes: two consumers, two hosts.
        migration = _wait_for_status(server['id'], 'post-migrating')
        dest = migration.dest_compute
        assert dest != source
        assert _resources(placement.allocations(migration.uuid)) == {
            _provider_of(placement, source): TINY}
        assert _resources(placement.allocations(server['id'])) == {
            _provider_of(placement, dest): SMALL}
    finally:
        gate.set()
    resized = settled(api, server['id'], 'VERIFY_RESIZE')
    assert resized['OS-EXT-STS:vm_state'] == 'resized'
    assert resized['OS-EXT-SRV-ATTR:host'] == dest
    assert resized['flavor']['original_name'] == 'm1.small'
    assert _migration(server['id']).status == 'finished'

    resp = act(api, server['id'], {'confirmResize': None})
    assert resp.status_code == 204, resp.text
    settled(api, server['id'], 'ACTIVE')
    _wait_for_status(server['id'], 'confirmed')
    assert placement.allocations(migration.uuid) == {}
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, dest): SMALL}
    assert events(api, server['id'], resp.headers[
        'x-openstack-request-id']) == {'compute_confirm_resize': 'Success'}


def test_revert_resize_goes_back_to_the_source_with_the_old_flavor(
        api, placement, server):
    source = server['OS-EXT-SRV-ATTR:host']
    resp = act(api, server['id'], {'resize': {'flavorRef': '2'}})
    assert resp.status_code == 202, resp.text
    settled(api, server['id'], 'VERIFY_RESIZE')
    migration = _migration(server['id'])
    assert events(api, server['id'], resp.headers[
        'x-openstack-request-id']) == {
        'conductor_migrate_server': 'Success',
        'compute_prep_resize': 'Success',
        'compute_resize_instance': 'Success',
        'compute_finish_resize': 'Success'}

    resp = act(api, server['id'], {'revertResize': None})
    assert resp.status_code == 202, resp.text
    reverted = settled(api, server['id'], 'ACTIVE')
    assert reverted['OS-EXT-SRV-ATTR:host'] == source
    assert reverted['flavor']['original_name'] == 'm1.tiny'
    assert _wait_for_status(server['id'], 'reverted').uuid == migration.uuid
    assert placement.allocations(migration.uuid) == {}
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, source): TINY}


def test_cold_migrate_moves_the_server_with_its_flavor(
        api, placement, server):
    source = server['OS-EXT-SRV-ATTR:host']
    resp = act(api, server['id'], {'migrate': None})
    assert resp.status_code == 202, resp.text
    moved = settled(api, server['id'], 'VERIFY_RESIZE')
    dest = moved['OS-EXT-SRV-ATTR:host']
    assert dest != source
    migration = _migration(server['id'])
    assert migration.migration_type == 'migration'
    assert migration.old_instance_type_id == migration.new_instance_type_id
    assert act(api, server['id'],
               {'confirmResize': None}).status_code == 204
    settled(api, server['id'], 'ACTIVE')
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, dest): TINY}


def test_cold_migrate_to_a_named_host_goes_there(api, placement, server):
    """API 2.56: the host travels to the conductor (compute_task 1.1)."""
    source = server['OS-EXT-SRV-ATTR:host']
    computes = api.get('/os-services?binary=nova-compute').json()['services']
    [target] = [c['host'] for c in computes if c['host'] != source]
    resp = act(api, server['id'], {'migrate': {'host': target}},
               microversion='2.56')
    assert resp.status_code == 202, resp.text
    moved = settled(api, server['id'], 'VERIFY_RESIZE')
    assert moved['OS-EXT-SRV-ATTR:host'] == target
    spec = objects.RequestSpec.get_by_instance_uuid(
        nova_context.get_admin_context(), server['id'])
    assert not spec.force_hosts     # not kept for later scheduling
    assert act(api, server['id'],
               {'confirmResize': None}).status_code == 204
    settled(api, server['id'], 'ACTIVE')


def test_a_stopped_server_resizes_and_stays_stopped(api, server):
    act(api, server['id'], {'os-stop': None})
    settled(api, server['id'], 'SHUTOFF')
    assert act(api, server['id'],
               {'resize': {'flavorRef': '2'}}).status_code == 202
    settled(api, server['id'], 'VERIFY_RESIZE')
    assert act(api, server['id'],
               {'confirmResize': None}).status_code == 204
    settled(api, server['id'], 'SHUTOFF')


def test_resize_a_paused_server_is_409(api, server):
    act(api, server['id'], {'pause': None})
    settled(api, server['id'], 'PAUSED')
    message = conflict_message(act(api, server['id'],
                                   {'resize': {'flavorRef': '2'}}))
    assert message == (f"Cannot 'resize' instance {server['id']} while it "
                       "is in vm_state paused")


def test_confirm_an_active_server_is_409(api, server):
    message = conflict_message(act(api, server['id'],
                                   {'confirmResize': None}))
    assert message == (f"Cannot 'confirmResize' instance {server['id']} "
                       "while it is in vm_state active")


def test_resize_to_the_same_flavor_is_400(api, server):
    resp = act(api, server['id'], {'resize': {'flavorRef': '1'}})
    assert resp.status_code == 400
    assert 'must change flavor' in resp.json()['badRequest']['message']


def test_resize_to_an_unknown_flavor_is_400(api, server):
    resp = act(api, server['id'], {'resize': {'flavorRef': 'nope'}})
    assert resp.status_code == 400
    assert 'no such flavor' in resp.json()['badRequest']['message']


def test_a_failed_finish_leaves_error_with_a_fault_and_one_allocation(
        api, placement, server):
    fake.FakeDriver.set_fault('finish_migration',
                              RuntimeError('disk image corrupt'), count=1)
    act(api, server['id'], {'resize': {'flavorRef': '2'}})
    failed = api.wait_for_server(server['id'], ('ERROR',))
    assert 'Finishing the resize failed' in failed['fault']['message']
    assert 'disk image corrupt' in failed['fault']['message']
    migration = _wait_for_status(server['id'], 'error')
    assert placement.allocations(migration.uuid) == {}
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, failed['OS-EXT-SRV-ATTR:host']): SMALL}


def test_auto_confirm_after_the_window(api, placement, server, two_hosts,
                                       all_in_one):
    act(api, server['id'], {'resize': {'flavorRef': '2'}})
    resized = settled(api, server['id'], 'VERIFY_RESIZE')
    migration = _migration(server['id'])
    (dest,) = [m for m in [two_hosts.manager] + [
        p.manager for p in all_in_one._started
        if getattr(p, 'binary', None) == 'nova-compute']
        if m.host == resized['OS-EXT-SRV-ATTR:host']]
    # A one-second window, and the destination's periodic task's pass.
    nova.conf.CONF.set_override('resize_confirm_window', 1)
    try:
        time.sleep(2)
        dest._last_resize_poll = float('-inf')
        dest._poll_unconfirmed_resizes(nova_context.get_admin_context())
    finally:
        nova.conf.CONF.clear_override('resize_confirm_window')
    settled(api, server['id'], 'ACTIVE')
    assert _wait_for_status(server['id'], 'confirmed').uuid == migration.uuid
    assert placement.allocations(migration.uuid) == {}
    body = api.get(f"/servers/{server['id']}/os-instance-actions").json()
    assert body['instanceActions'][0]['action'] == 'confirmResize'


def test_the_periodic_pass_confirms_only_expired_resizes(api, server,
                                                         two_hosts):
    act(api, server['id'], {'resize': {'flavorRef': '2'}})
    settled(api, server['id'], 'VERIFY_RESIZE')
    ctxt = nova_context.get_admin_context()
    nova.conf.CONF.set_override('resize_confirm_window', 3600)
    try:
        assert compute_resize.confirm_expired_resizes(
            two_hosts.manager, ctxt) == 0
    finally:
        nova.conf.CONF.clear_override('resize_confirm_window')
    assert _migration(server['id']).status == 'finished'


def _wait_for_status(server_id, status, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        migration = _migration(server_id)
        if migration is not None and migration.status == status:
            return migration
        assert time.monotonic() < deadline, (migration, status)
        time.sleep(0.05)



def test_a_failed_disk_migration_leaves_error_on_the_source_holding_it(
        api, placement, server):
    source = server['OS-EXT-SRV-ATTR:host']
    fake.FakeDriver.set_fault('migrate_disk_and_power_off',
                              RuntimeError('no route to destination'),
                              count=1)
    act(api, server['id'], {'resize': {'flavorRef': '2'}})
    failed = api.wait_for_server(server['id'], ('ERROR',))
    assert 'Migrating the disk failed' in failed['fault']['message']
    assert failed['OS-EXT-SRV-ATTR:host'] == source
    assert failed['flavor']['original_name'] == 'm1.tiny'
    migration = _wait_for_status(server['id'], 'error')
    assert placement.allocations(migration.uuid) == {}
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, source): TINY}


def test_os_migrations_lists_the_resize_for_admins(api, server, all_in_one):
    act(api, server['id'], {'resize': {'flavorRef': '2'}})
    settled(api, server['id'], 'VERIFY_RESIZE')
    resp = api.get(f"/os-migrations?instance_uuid={server['id']}")
    assert resp.status_code == 200, resp.text
    (migration,) = resp.json()['migrations']
    assert (migration['status'], migration['migration_type'],
            migration['source_compute']) == (
        'finished', 'resize', server['OS-EXT-SRV-ATTR:host'])
    old = api.get(f"/os-migrations?instance_uuid={server['id']}",
                  microversion='2.22').json()['migrations']
    assert 'migration_type' not in old[0]
    member = fixtures.ComputeClient(all_in_one.endpoints.api_url,
                                    token='demo:admin')
    assert member.get('/os-migrations').status_code == 403


def test_resize_over_the_ram_quota_is_403(api, server):
    project = server['tenant_id']
    before = api.get(f'/os-quota-sets/{project}').json()['quota_set']['ram']
    resp = api.request('PUT', f'/os-quota-sets/{project}',
                       json={'quota_set': {'ram': 1024, 'force': True}})
    assert resp.status_code == 200, resp.text
    try:
        resp = act(api, server['id'], {'resize': {'flavorRef': '2'}})
    finally:
        api.request('PUT', f'/os-quota-sets/{project}',
                    json={'quota_set': {'ram': before, 'force': True}})
    assert resp.status_code == 403, resp.text
    assert 'Quota exceeded for ram' in resp.json()['forbidden']['message']
    assert api.get_server(server['id'])['OS-EXT-STS:task_state'] is None


def test_no_host_for_the_new_flavor_leaves_the_server_as_it_was(
        api, placement, server):
    resp = api.post('/flavors', json={'flavor': {
        'name': 'moves-huge-disk', 'id': 'moves-huge-disk', 'ram': 512,
        'vcpus': 1, 'disk': 10 ** 6}})
    assert resp.status_code == 200, resp.text
    try:
        resp = act(api, server['id'],
                   {'resize': {'flavorRef': 'moves-huge-disk'}})
        assert resp.status_code == 202, resp.text
        migration = _wait_for_status(server['id'], 'error')
    finally:
        api.delete('/flavors/moves-huge-disk')
    after = settled(api, server['id'], 'ACTIVE')
    assert after['flavor']['original_name'] == 'm1.tiny'
    assert events(api, server['id'], resp.headers[
        'x-openstack-request-id']) == {'conductor_migrate_server': 'Error'}
    assert placement.allocations(migration.uuid) == {}
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, server['OS-EXT-SRV-ATTR:host']): TINY}


def _guest_on(all_in_one, host, server_id):
    managers = [p.manager for p in all_in_one._started
                if getattr(p, 'binary', None) == 'nova-compute'] + \
        [s.manager for s in _SECOND_HOSTS]
    (manager,) = [m for m in managers if m.host == host]
    return manager.driver.guest(server_id)


def test_deleting_a_resized_server_confirms_first_and_frees_both_hosts(
        api, placement, server, all_in_one):
    source = server['OS-EXT-SRV-ATTR:host']
    act(api, server['id'], {'resize': {'flavorRef': '2'}})
    resized = settled(api, server['id'], 'VERIFY_RESIZE')
    migration = _migration(server['id'])
    assert placement.allocations(migration.uuid) != {}
    assert _guest_on(all_in_one, source, server['id']) is not None
    assert api.delete(f"/servers/{server['id']}").status_code == 204
    api.wait_until_gone(server['id'])
    assert placement.allocations(server['id']) == {}
    assert placement.allocations(migration.uuid) == {}
    assert _wait_for_status(server['id'], 'confirmed').uuid == migration.uuid
    # No powered-off guest is left behind on either host.
    assert _guest_on(all_in_one, source, server['id']) is None
    assert _guest_on(all_in_one, resized['OS-EXT-SRV-ATTR:host'],
                     server['id']) is None
