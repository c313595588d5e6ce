"""Guests of deleted instances left on the hypervisor: fake driver,
SQLite cell DB."""

import pytest

import nova.conf
from nova.compute import orphans
from nova.tests.unit.compute import test_stalled

CONF = nova.conf.CONF


@pytest.fixture
def guest(ctxt, host1):
    inst = test_stalled._instance(ctxt, host1)
    host1.driver.spawn(ctxt, inst, None, [], None, {})
    return inst


def _delete_row_only(inst):
    inst.destroy()      # the guest stays: a delete cut off half way


@pytest.mark.parametrize('action, left', [('reap', False), ('log', True),
                                          ('noop', True)])
def test_the_guest_of_a_deleted_instance_is_handled_per_the_action(
        ctxt, host1, guest, action, left):
    _delete_row_only(guest)
    CONF.set_override('running_deleted_instance_action', action)
    try:
        orphans.handle_running_deleted(host1, ctxt)
    finally:
        CONF.clear_override('running_deleted_instance_action')
    assert (guest.uuid in host1.driver.list_instance_uuids()) is left


def test_the_guest_of_a_live_instance_is_never_touched(ctxt, host1, guest):
    assert orphans.handle_running_deleted(host1, ctxt) == 0
    assert guest.uuid in host1.driver.list_instance_uuids()


def test_a_guest_an_operation_works_on_is_left_alone(ctxt, host1, guest):
    _delete_row_only(guest)
    with host1.operations.running(guest.uuid):
        assert orphans.handle_running_deleted(host1, ctxt) == 0
    assert guest.uuid in host1.driver.list_instance_uuids()


def test_a_recent_delete_waits_for_the_timeout(ctxt, host1, guest):
    _delete_row_only(guest)
    CONF.set_override('running_deleted_instance_timeout', 3600)
    try:
        assert orphans.handle_running_deleted(host1, ctxt) == 0
    finally:
        CONF.clear_override('running_deleted_instance_timeout')
    assert guest.uuid in host1.driver.list_instance_uuids()
