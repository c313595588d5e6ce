"""Live migration over the REST API between the session's compute host
and a second fake compute host, with the Placement allocations checked."""

import threading
import time

import pytest

from nova import context as nova_context
from nova import objects
from nova.tests.functional.test_server_actions import (
    act,
    conflict_message,
    events,
    settled,
)
from nova.tests.functional.test_server_moves import (  # noqa: F401
    TINY,
    _provider_of,
    _resources,
    second_host,
    server,
)
from nova.virt import fake

LIVE = '2.30'


@pytest.fixture(scope='module')
def two_hosts(all_in_one):
    yield from second_host('functional-host3')


def _live_migration(server_id):
    ctxt = nova_context.get_admin_context()
    found = [m for m in objects.MigrationList.get_by_filters(
        ctxt, {'instance_uuid': server_id})
        if m.migration_type == 'live-migration']
    return max(found, key=lambda m: m.id) if found else None


def _wait_for_status(server_id, status, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        migration = _live_migration(server_id)
        if migration is not None and migration.status == status:
            return migration
        assert time.monotonic() < deadline, (migration, status)
        time.sleep(0.05)


def _other_host(server):  # noqa: F811
    ctxt = nova_context.get_admin_context()
    (other,) = {s.host for s in objects.ServiceList.get_by_binary(
        ctxt, 'nova-compute')} - {server['OS-EXT-SRV-ATTR:host']}
    return other


def _live(api, server_id, host=None, force=None, microversion=LIVE):
    args = {'host': host, 'block_migration': 'auto'}
    if force is not None:
        args['force'] = force
    return act(api, server_id, {'os-migrateLive': args},
               microversion=microversion)


def test_live_migration_moves_the_server_and_its_allocation(
        api, placement, server):  # noqa: F811
    source = server['OS-EXT-SRV-ATTR:host']
    resp = _live(api, server['id'])
    assert resp.status_code == 202, resp.text
    migration = _wait_for_status(server['id'], 'completed')
    moved = settled(api, server['id'], 'ACTIVE')
    dest = migration.dest_compute
    assert dest != source
    assert moved['OS-EXT-SRV-ATTR:host'] == dest
    assert moved['OS-EXT-STS:vm_state'] == 'active'
    assert placement.allocations(migration.uuid) == {}
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, dest): TINY}


def test_forced_host_live_migration_goes_there(
        api, placement, server):  # noqa: F811
    dest = _other_host(server)
    resp = _live(api, server['id'], host=dest, force=True)
    assert resp.status_code == 202, resp.text
    migration = _wait_for_status(server['id'], 'completed')
    assert migration.dest_compute == dest
    assert settled(api, server['id'], 'ACTIVE')[
        'OS-EXT-SRV-ATTR:host'] == dest
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, dest): TINY}


def test_a_failed_live_migration_rolls_back_to_the_source(
        api, placement, server):  # noqa: F811
    source = server['OS-EXT-SRV-ATTR:host']
    fake.FakeDriver.set_fault('live_migration',
                              RuntimeError('the memory copy broke'))
    resp = _live(api, server['id'])
    assert resp.status_code == 202, resp.text
    migration = _wait_for_status(server['id'], 'error')
    after = settled(api, server['id'], 'ACTIVE')
    assert after['OS-EXT-SRV-ATTR:host'] == source
    # The server stays ACTIVE, so the API shows no fault: read it.
    fault = objects.InstanceFault.get_latest_for_instance(
        nova_context.get_admin_context(), server['id'])
    assert 'the memory copy broke' in fault.message
    assert events(api, server['id'], resp.headers[
        'x-openstack-request-id'])['compute_live_migration'] == 'Error'
    assert placement.allocations(migration.uuid) == {}
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, source): TINY}


def test_live_migrate_a_stopped_server_is_409(api, server):  # noqa: F811
    assert act(api, server['id'], {'os-stop': None}).status_code == 202
    settled(api, server['id'], 'SHUTOFF')
    assert 'vm_state stopped' in conflict_message(_live(api, server['id']))


def test_live_migrate_to_an_unknown_host_is_400(api, server):  # noqa: F811
    resp = _live(api, server['id'], host='no-such-host')
    assert resp.status_code == 400, resp.text
    assert 'no such compute host' in resp.text


def test_disk_over_commit_is_required_before_2_25(
        api, server):  # noqa: F811
    resp = act(api, server['id'], {'os-migrateLive': {
        'host': None, 'block_migration': False}}, microversion='2.24')
    assert resp.status_code == 400, resp.text
    assert 'disk_over_commit' in resp.text


def test_a_delayed_live_migration_is_running_until_the_gate(
        api, server):  # noqa: F811
    gate = threading.Event()
    fake.FakeDriver.set_delay('live_migration', gate)
    try:
        assert _live(api, server['id']).status_code == 202
        _wait_for_status(server['id'], 'running')
        during = api.get(f"/servers/{server['id']}").json()['server']
        assert during['OS-EXT-STS:task_state'] == 'migrating'
    finally:
        gate.set()
    _wait_for_status(server['id'], 'completed')


def _start_delayed(api, server_id):
    """A live migration that runs until the returned gate is set."""
    gate = threading.Event()
    fake.FakeDriver.set_delay('live_migration', gate)
    assert _live(api, server_id).status_code == 202
    return gate, _wait_for_status(server_id, 'running')


def test_a_running_live_migration_is_listed_and_shown(
        api, server):  # noqa: F811
    gate, migration = _start_delayed(api, server['id'])
    try:
        base = f"/servers/{server['id']}/migrations"
        listed = api.get(base, microversion='2.23').json()['migrations']
        assert [m['id'] for m in listed] == [migration.id]
        shown = api.get(f'{base}/{migration.id}',
                        microversion='2.23').json()['migration']
        assert shown['server_uuid'] == server['id']
        assert shown['status'] == 'running'
        assert api.get(base, microversion='2.22').status_code == 404
    finally:
        gate.set()
    _wait_for_status(server['id'], 'completed')
    assert api.get(f"/servers/{server['id']}/migrations",
                   microversion='2.23').json()['migrations'] == []
    assert api.get(f"/servers/{server['id']}/migrations/{migration.id}",
                   microversion='2.23').status_code == 404


def test_a_running_live_migration_shows_its_copy_progress(
        api, server):  # noqa: F811
    gate, migration = _start_delayed(api, server['id'])
    url = f"/servers/{server['id']}/migrations/{migration.id}"
    try:
        deadline = time.monotonic() + 10
        while True:
            shown = api.get(url, microversion='2.23').json()['migration']
            if shown['memory_processed_bytes']:
                break
            assert time.monotonic() < deadline, shown
            time.sleep(0.2)
        flavor = api.get(f"/servers/{server['id']}",
                         microversion='2.47').json()['server']['flavor']
        assert shown['memory_total_bytes'] == flavor['ram'] << 20
        assert shown['memory_remaining_bytes'] == \
            shown['memory_total_bytes'] - shown['memory_processed_bytes']
        # block_migration auto on hosts without shared storage: the disk
        # is copied as well.
        assert shown['disk_total_bytes'] is not None
    finally:
        gate.set()
    done = _wait_for_status(server['id'], 'completed')
    assert (done.memory_processed, done.memory_remaining) == (
        flavor['ram'] << 20, 0)


def test_force_complete_ends_a_running_live_migration(
        api, placement, server):  # noqa: F811
    gate, migration = _start_delayed(api, server['id'])
    try:
        resp = api.post(
            f"/servers/{server['id']}/migrations/{migration.id}/action",
            json={'force_complete': None}, microversion='2.22')
        assert resp.status_code == 202, resp.text
        # The gate is still closed: only the force complete ends it.
        done = _wait_for_status(server['id'], 'completed')
    finally:
        gate.set()
    assert settled(api, server['id'], 'ACTIVE')[
        'OS-EXT-SRV-ATTR:host'] == done.dest_compute


def test_abort_keeps_the_server_on_its_source(
        api, placement, server):  # noqa: F811
    source = server['OS-EXT-SRV-ATTR:host']
    gate, migration = _start_delayed(api, server['id'])
    try:
        resp = api.delete(
            f"/servers/{server['id']}/migrations/{migration.id}",
            microversion='2.24')
        assert resp.status_code == 202, resp.text
        _wait_for_status(server['id'], 'cancelled')
    finally:
        gate.set()
    after = settled(api, server['id'], 'ACTIVE')
    assert after['OS-EXT-SRV-ATTR:host'] == source
    assert placement.allocations(migration.uuid) == {}
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, source): TINY}


def test_force_complete_without_a_live_migration_is_409(
        api, server):  # noqa: F811
    resp = api.post(f"/servers/{server['id']}/migrations/1/action",
                    json={'force_complete': None}, microversion='2.22')
    assert 'task_state None' in conflict_message(resp)


# Evacuate ---------------------------------------------------------------

def _force_down(api, host, down):
    resp = api.request('PUT', '/os-services/force-down', json={
        'host': host, 'binary': 'nova-compute', 'forced_down': down},
        microversion='2.11')
    assert resp.status_code == 200, resp.text


def _evacuation(server_id):
    ctxt = nova_context.get_admin_context()
    found = [m for m in objects.MigrationList.get_by_filters(
        ctxt, {'instance_uuid': server_id})
        if m.migration_type == 'evacuation']
    return max(found, key=lambda m: m.id) if found else None


def _wait_for_evacuation(server_id, status, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        migration = _evacuation(server_id)
        if migration is not None and migration.status == status:
            return migration
        assert time.monotonic() < deadline, (migration, status)
        time.sleep(0.05)


def test_evacuate_from_an_up_host_is_409(api, server):  # noqa: F811
    resp = act(api, server['id'], {'evacuate': {}}, microversion='2.14')
    assert 'still up' in conflict_message(resp)


@pytest.mark.parametrize('forced', [False, True])
def test_evacuate_from_a_forced_down_host_and_its_cleanup_on_restart(
        api, placement, server, two_hosts, forced):  # noqa: F811
    # The server on the second host, whose manager can "restart" here.
    if server['OS-EXT-SRV-ATTR:host'] != two_hosts.host:
        assert _live(api, server['id'], host=two_hosts.host,
                     force=True).status_code == 202
        _wait_for_status(server['id'], 'completed')
        settled(api, server['id'], 'ACTIVE')
    source = two_hosts.host
    _force_down(api, source, True)
    try:
        if forced:
            (other,) = {s.host for s in objects.ServiceList.get_by_binary(
                nova_context.get_admin_context(), 'nova-compute')} - {source}
            resp = act(api, server['id'], {'evacuate': {
                'host': other, 'force': True}}, microversion='2.29')
            assert resp.status_code == 200, resp.text
        else:
            resp = act(api, server['id'], {'evacuate': {
                'onSharedStorage': False}}, microversion='2.13')
            assert resp.status_code == 200, resp.text
            assert resp.json()['adminPass']
        migration = _wait_for_evacuation(server['id'], 'done')
        after = settled(api, server['id'], 'ACTIVE')
        dest = after['OS-EXT-SRV-ATTR:host']
        assert dest != source and migration.dest_compute == dest
        # Until the source comes back, the server holds both hosts.
        assert set(placement.allocations(server['id'])) == {
            _provider_of(placement, source), _provider_of(placement, dest)}
    finally:
        _force_down(api, source, False)
    assert two_hosts.manager.driver.guest(server['id']) is not None
    two_hosts.manager.pre_start_hook(service_ref=two_hosts.service_ref)
    assert two_hosts.manager.driver.guest(server['id']) is None
    assert _evacuation(server['id']).status == 'completed'
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, dest): TINY}


def test_os_migrations_links_a_live_migration_in_progress(
        api, server):  # noqa: F811
    gate, migration = _start_delayed(api, server['id'])
    try:
        listed = api.get(f"/os-migrations?instance_uuid={server['id']}",
                         microversion='2.23').json()['migrations']
    finally:
        gate.set()
    (entry,) = [m for m in listed if m['id'] == migration.id]
    assert entry['migration_type'] == 'live-migration'
    assert entry['links'][0]['href'].endswith(
        f"/servers/{server['id']}/migrations/{migration.id}")
    _wait_for_status(server['id'], 'completed')


def _off_second_host(api, server, two_hosts):  # noqa: F811
    """Make sure the server is not on ``two_hosts`` (whose manager can
    "restart" here), so that it can be live migrated there."""
    if server['OS-EXT-SRV-ATTR:host'] == two_hosts.host:
        assert _live(api, server['id'], host=_other_host(server),
                     force=True).status_code == 202
        _wait_for_status(server['id'], 'completed')
        settled(api, server['id'], 'ACTIVE')


def _onto_second_host(api, server, two_hosts):  # noqa: F811
    resp = _live(api, server['id'], host=two_hosts.host, force=True)
    assert resp.status_code == 202, resp.text
    return resp


def test_a_destination_that_did_not_answer_finishes_at_its_start(
        api, placement, server, two_hosts, monkeypatch):  # noqa: F811
    import oslo_messaging as messaging

    from nova.compute import rpcapi as compute_rpcapi

    def unanswered(self, ctxt, instance, node, host):
        raise messaging.MessagingTimeout('no reply from ' + host)
    _off_second_host(api, server, two_hosts)
    monkeypatch.setattr(compute_rpcapi.ComputeAPI,
                        'post_live_migration_at_destination', unanswered)
    _onto_second_host(api, server, two_hosts)
    migration = _wait_for_status(server['id'], 'post-migrating')
    # The guest left the source: the instance follows it, ACTIVE, and
    # only the destination's allocation is left.
    moved = settled(api, server['id'], 'ACTIVE')
    assert moved['OS-EXT-SRV-ATTR:host'] == two_hosts.host
    assert moved['OS-EXT-STS:task_state'] is None
    assert placement.allocations(migration.uuid) == {}
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, two_hosts.host): TINY}
    assert two_hosts.manager.driver.guest(server['id']) is None
    monkeypatch.undo()

    two_hosts.manager.pre_start_hook(service_ref=two_hosts.service_ref)
    assert _live_migration(server['id']).status == 'completed'
    assert two_hosts.manager.driver.guest(server['id']) is not None
    assert settled(api, server['id'], 'ACTIVE')[
        'OS-EXT-SRV-ATTR:host'] == two_hosts.host


def test_a_destination_that_failed_to_finish_leaves_error_there(
        api, placement, server, two_hosts):  # noqa: F811
    _off_second_host(api, server, two_hosts)
    fake.FakeDriver.set_fault('post_live_migration_at_destination',
                              RuntimeError('the guest did not resume'),
                              host=two_hosts.host)
    _onto_second_host(api, server, two_hosts)
    migration = _wait_for_status(server['id'], 'error')
    after = settled(api, server['id'], 'ERROR')
    assert after['OS-EXT-SRV-ATTR:host'] == two_hosts.host
    assert 'could not be finished there' in after['fault']['message']
    assert 'the guest did not resume' in after['fault']['message']
    assert placement.allocations(migration.uuid) == {}
    assert _resources(placement.allocations(server['id'])) == {
        _provider_of(placement, two_hosts.host): TINY}
