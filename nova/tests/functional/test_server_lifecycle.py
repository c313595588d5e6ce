"""Rebuild, shelve/offload/unshelve, createImage/createBackup, rescue and
soft delete over the REST API, with the images in the real Glance and
the allocations in the real Placement."""

import time

import pytest

import nova.conf
from nova import context as nova_context
from nova import exception
from nova.compute import power_state
from nova.image import glance
from nova.tests.functional.test_server_actions import (
    act,
    actions,
    conflict_message,
    events,
    settled,
)
from nova.virt import fake

CONF = nova.conf.CONF


@pytest.fixture
def server(api, image_id):
    created = api.create_server('life-server', image_id)
    active = api.wait_for_server(created['id'], ('ACTIVE', 'ERROR'))
    assert active['status'] == 'ACTIVE', active.get('fault')
    yield active
    fake.FakeDriver.clear_faults()
    if api.get(f"/servers/{created['id']}").status_code == 200:
        api.delete(f"/servers/{created['id']}")
        api.wait_until_gone(created['id'])


@pytest.fixture
def images():
    return glance.API()


@pytest.fixture
def ctxt():
    return nova_context.get_admin_context()


def _image_or_none(images, ctxt, image_id):
    try:
        return images.get(ctxt, image_id)
    except exception.ImageNotFound:
        return None


def _wait_image(images, ctxt, image_id, status='active'):
    deadline = time.monotonic() + 30
    while True:
        image = _image_or_none(images, ctxt, image_id)
        if (image or {}).get('status') == status or \
                (status is None and image is None):
            return image
        assert time.monotonic() < deadline, image
        time.sleep(0.1)


# Rebuild ---------------------------------------------------------------

def test_rebuild_keeps_host_and_allocations_and_renames(api, placement,
                                                        server, image_id):
    before = placement.allocations(server['id'])
    resp = act(api, server['id'], {'rebuild': {
        'imageRef': image_id, 'name': 'rebuilt', 'adminPass': 'secret1',
        'metadata': {'role': 'web'}}})
    assert resp.status_code == 202, resp.text
    body = resp.json()['server']
    assert body['adminPass'] == 'secret1'
    assert body['name'] == 'rebuilt'
    # The rebuild answer has no OS-EXT-STS attributes (as published):
    # the rebuilding task shows as the REBUILD status.
    assert body['status'] == 'REBUILD'
    after = settled(api, server['id'], 'ACTIVE')
    assert after['metadata'] == {'role': 'web'}
    assert after['OS-EXT-SRV-ATTR:host'] == server['OS-EXT-SRV-ATTR:host']
    assert placement.allocations(server['id']) == before
    assert events(api, server['id'], resp.headers[
        'x-openstack-request-id']) == {'compute_rebuild_instance': 'Success'}


def test_rebuild_a_stopped_server_leaves_it_stopped(api, server, image_id):
    act(api, server['id'], {'os-stop': None})
    settled(api, server['id'], 'SHUTOFF')
    act(api, server['id'], {'rebuild': {'imageRef': image_id}})
    after = settled(api, server['id'], 'SHUTOFF')
    assert after['OS-EXT-STS:power_state'] == power_state.SHUTDOWN


def test_rebuild_with_an_unknown_image_is_400(api, server):
    resp = act(api, server['id'], {'rebuild': {
        'imageRef': '8b0e4b2c-0000-4000-8000-000000000000'}})
    assert resp.status_code == 400, resp.text
    assert 'Can not find requested image' in \
        resp.json()['badRequest']['message']


def test_rebuild_with_key_name_is_400_at_2_47(api, server, image_id):
    resp = act(api, server['id'], {'rebuild': {'imageRef': image_id,
                                               'key_name': 'k'}})
    assert resp.status_code == 400


def test_rebuild_a_paused_server_is_409(api, server, image_id):
    act(api, server['id'], {'pause': None})
    settled(api, server['id'], 'PAUSED')
    message = conflict_message(act(api, server['id'], {
        'rebuild': {'imageRef': image_id}}))
    assert message == (f"Cannot 'rebuild' instance {server['id']} while it "
                       "is in vm_state paused")


def test_a_failed_rebuild_is_error_with_a_fault(api, server, image_id):
    fake.FakeDriver.set_fault('spawn', RuntimeError('no boot disk'),
                              count=1)
    act(api, server['id'], {'rebuild': {'imageRef': image_id}})
    failed = api.wait_for_server(server['id'], ('ERROR',))
    assert 'rebuild failed on host' in failed['fault']['message']
    assert 'no boot disk' in failed['fault']['message']


# Snapshot and backup ---------------------------------------------------

def test_create_image_uploads_a_snapshot_with_the_server_properties(
        api, server, images, ctxt, image_id):
    resp = act(api, server['id'], {'createImage': {
        'name': 'snap-1', 'metadata': {'purpose': 'test'}}})
    assert resp.status_code == 202, resp.text
    snap_id = resp.json()['image_id']
    image = _wait_image(images, ctxt, snap_id)
    props = image['properties']
    assert image['name'] == 'snap-1'
    assert props['instance_uuid'] == server['id']
    assert props['image_type'] == 'snapshot'
    assert props['base_image_ref'] == image_id
    assert props['purpose'] == 'test'
    settled(api, server['id'], 'ACTIVE')
    images.delete(ctxt, snap_id)


def test_create_image_before_2_45_answers_with_a_location(api, server,
                                                          images, ctxt):
    resp = act(api, server['id'], {'createImage': {'name': 'snap-2'}},
               microversion='2.44')
    assert resp.status_code == 202
    assert resp.content == b''
    snap_id = resp.headers['Location'].rsplit('/', 1)[-1]
    assert resp.headers['Location'].endswith(f'/images/{snap_id}')
    _wait_image(images, ctxt, snap_id)
    settled(api, server['id'], 'ACTIVE')
    images.delete(ctxt, snap_id)


def test_a_failed_snapshot_deletes_its_image_and_keeps_the_state(
        api, server, images, ctxt):
    fake.FakeDriver.set_fault('snapshot', RuntimeError('disk busy'),
                              count=1)
    resp = act(api, server['id'], {'createImage': {'name': 'snap-3'}})
    snap_id = resp.json()['image_id']
    _wait_image(images, ctxt, snap_id, status=None)
    settled(api, server['id'], 'ACTIVE')
    assert events(api, server['id'], resp.headers[
        'x-openstack-request-id']) == {'compute_snapshot_instance': 'Error'}


def test_create_backup_rotates_older_backups(api, server, images, ctxt):
    ids = []
    for n in range(3):
        resp = act(api, server['id'], {'createBackup': {
            'name': f'bk-{n}', 'backup_type': 'daily', 'rotation': 2}})
        assert resp.status_code == 202, resp.text
        ids.append(resp.json()['image_id'])
        settled(api, server['id'], 'ACTIVE')
        _wait_image(images, ctxt, ids[-1])
    _wait_image(images, ctxt, ids[0], status=None)
    kept = images.get_all(ctxt, filters={'instance_uuid': server['id'],
                                         'image_type': 'backup'})
    assert sorted(i['id'] for i in kept) == sorted(ids[1:])
    for image_id_ in ids[1:]:
        images.delete(ctxt, image_id_)


def test_create_backup_without_rotation_is_400(api, server):
    resp = act(api, server['id'], {'createBackup': {
        'name': 'bk', 'backup_type': 'daily'}})
    assert resp.status_code == 400
    assert 'rotation' in resp.json()['badRequest']['message']


# Shelve -------------------------------------------------------------------

def test_shelve_offloads_at_once_and_unshelve_comes_back(
        api, placement, server, images, ctxt):
    resp = act(api, server['id'], {'shelve': None})
    assert resp.status_code == 202, resp.text
    offloaded = settled(api, server['id'], 'SHELVED_OFFLOADED')
    assert offloaded['OS-EXT-SRV-ATTR:host'] is None
    assert placement.allocations(server['id']) == {}
    shelved = images.get_all(ctxt, filters={
        'name': 'life-server-shelved', 'instance_uuid': server['id']})
    assert len(shelved) == 1 and shelved[0]['status'] == 'active'

    resp = act(api, server['id'], {'unshelve': None})
    assert resp.status_code == 202, resp.text
    back = settled(api, server['id'], 'ACTIVE')
    assert back['OS-EXT-SRV-ATTR:host']
    assert placement.allocations(server['id']) != {}
    _wait_image(images, ctxt, shelved[0]['id'], status=None)
    assert actions(api, server['id'])[:2] == ['unshelve', 'shelve']


def test_shelve_keeps_the_host_until_offloaded(api, placement, server):
    CONF.set_override('shelved_offload_time', -1)
    try:
        act(api, server['id'], {'shelve': None})
        shelved = settled(api, server['id'], 'SHELVED')
    finally:
        CONF.clear_override('shelved_offload_time')
    assert shelved['OS-EXT-SRV-ATTR:host'] == server['OS-EXT-SRV-ATTR:host']
    assert placement.allocations(server['id']) != {}
    assert act(api, server['id'],
               {'shelveOffload': None}).status_code == 202
    settled(api, server['id'], 'SHELVED_OFFLOADED')
    assert placement.allocations(server['id']) == {}


def test_unshelve_a_shelved_server_starts_it_where_it_is(
        api, placement, server, images, ctxt):
    CONF.set_override('shelved_offload_time', -1)
    try:
        act(api, server['id'], {'shelve': None})
        shelved = settled(api, server['id'], 'SHELVED')
        assert shelved['OS-EXT-STS:power_state'] == power_state.SHUTDOWN
        allocations = placement.allocations(server['id'])
        assert act(api, server['id'], {'unshelve': None}).status_code == 202
        back = settled(api, server['id'], 'ACTIVE')
    finally:
        CONF.clear_override('shelved_offload_time')
    assert back['OS-EXT-SRV-ATTR:host'] == server['OS-EXT-SRV-ATTR:host']
    assert back['OS-EXT-STS:power_state'] == power_state.RUNNING
    assert placement.allocations(server['id']) == allocations
    assert images.get_all(ctxt, filters={
        'instance_uuid': server['id'], 'name': 'life-server-shelved'}) == []


def test_a_failed_unshelve_leaves_it_offloaded_without_allocation(
        api, placement, server):
    act(api, server['id'], {'shelve': None})
    settled(api, server['id'], 'SHELVED_OFFLOADED')
    fake.FakeDriver.set_fault('spawn', RuntimeError('image unreadable'),
                              count=1)
    resp = act(api, server['id'], {'unshelve': None})
    assert resp.status_code == 202, resp.text
    after = settled(api, server['id'], 'SHELVED_OFFLOADED')
    assert after['OS-EXT-SRV-ATTR:host'] is None
    assert placement.allocations(server['id']) == {}
    assert events(api, server['id'], resp.headers[
        'x-openstack-request-id'])['compute_unshelve_instance'] == 'Error'
    # It can be unshelved again.
    act(api, server['id'], {'unshelve': None})
    settled(api, server['id'], 'ACTIVE')


def test_unshelve_an_active_server_is_409(api, server):
    message = conflict_message(act(api, server['id'], {'unshelve': None}))
    assert message == (f"Cannot 'unshelve' instance {server['id']} while "
                       "it is in vm_state active")


# Rescue -------------------------------------------------------------------

def test_rescue_then_unrescue(api, server):
    resp = act(api, server['id'], {'rescue': {'adminPass': 'letmein'}})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {'adminPass': 'letmein'}
    rescued = settled(api, server['id'], 'RESCUE')
    assert rescued['OS-EXT-STS:vm_state'] == 'rescued'
    assert act(api, server['id'], {'unrescue': None}).status_code == 202
    settled(api, server['id'], 'ACTIVE')


def test_rescue_generates_a_password(api, server):
    resp = act(api, server['id'], {'rescue': None})
    assert resp.status_code == 200, resp.text
    assert len(resp.json()['adminPass']) >= 8
    settled(api, server['id'], 'RESCUE')


def test_a_failed_rescue_keeps_the_server_active(api, server):
    fake.FakeDriver.set_fault('rescue', RuntimeError('no rescue disk'),
                              count=1)
    resp = act(api, server['id'], {'rescue': None})
    assert resp.status_code == 200
    settled(api, server['id'], 'ACTIVE')
    assert events(api, server['id'], resp.headers[
        'x-openstack-request-id']) == {'compute_rescue_instance': 'Error'}


def test_unrescue_an_active_server_is_409(api, server):
    assert 'vm_state active' in conflict_message(
        act(api, server['id'], {'unrescue': None}))


# Soft delete ----------------------------------------------------------------

@pytest.fixture
def deferred_delete():
    CONF.set_override('reclaim_instance_interval', 3600)
    yield
    CONF.clear_override('reclaim_instance_interval')


def test_soft_delete_keeps_allocations_and_restore_brings_it_back(
        api, placement, server, deferred_delete):
    allocations = placement.allocations(server['id'])
    assert api.delete(f"/servers/{server['id']}").status_code == 204
    deleted = settled(api, server['id'], 'SOFT_DELETED')
    assert deleted['OS-EXT-STS:power_state'] == power_state.SHUTDOWN
    assert placement.allocations(server['id']) == allocations
    assert act(api, server['id'], {'restore': None}).status_code == 202
    settled(api, server['id'], 'ACTIVE')


def test_force_delete_removes_a_soft_deleted_server(api, placement, server,
                                                    deferred_delete):
    api.delete(f"/servers/{server['id']}")
    settled(api, server['id'], 'SOFT_DELETED')
    assert act(api, server['id'], {'forceDelete': None}).status_code == 202
    api.wait_until_gone(server['id'])
    assert placement.allocations(server['id']) == {}


def test_restore_an_active_server_is_409(api, server):
    assert 'vm_state active' in conflict_message(
        act(api, server['id'], {'restore': None}))


def _compute_manager(all_in_one):
    (manager,) = [p.manager for p in all_in_one._started
                  if getattr(p, 'binary', None) == 'nova-compute']
    return manager


def test_the_periodic_task_reclaims_expired_soft_deletes(
        api, placement, server, all_in_one, ctxt, deferred_delete):
    api.delete(f"/servers/{server['id']}")
    settled(api, server['id'], 'SOFT_DELETED')
    manager = _compute_manager(all_in_one)
    # Not yet expired: kept.
    manager._last_reclaim = float('-inf')
    manager._reclaim_queued_deletes(ctxt)
    assert api.get(f"/servers/{server['id']}").status_code == 200
    # A one-second interval, and the periodic task's next pass.
    CONF.set_override('reclaim_instance_interval', 1)
    time.sleep(2)
    manager._last_reclaim = float('-inf')
    manager._reclaim_queued_deletes(ctxt)
    api.wait_until_gone(server['id'])
    assert placement.allocations(server['id']) == {}


def test_the_periodic_task_offloads_expired_shelved_servers(
        api, placement, server, all_in_one, ctxt):
    CONF.set_override('shelved_offload_time', 1)
    try:
        act(api, server['id'], {'shelve': None})
        settled(api, server['id'], 'SHELVED')
        time.sleep(2)
        manager = _compute_manager(all_in_one)
        manager._last_shelved_poll = float('-inf')
        manager._poll_shelved_instances(ctxt)
    finally:
        CONF.clear_override('shelved_offload_time')
    offloaded = settled(api, server['id'], 'SHELVED_OFFLOADED')
    assert offloaded['OS-EXT-SRV-ATTR:host'] is None
    assert placement.allocations(server['id']) == {}
    assert actions(api, server['id'])[0] == 'shelveOffload'
