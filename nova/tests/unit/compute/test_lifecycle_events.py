"""Lifecycle events from the driver sync an instance's power state at
once; the image cache manager's periodic pass: fake driver, SQLite."""

import time

import pytest

import nova.conf
from nova import objects
from nova.compute import power_state, vm_states
from nova.tests.unit.compute import test_stalled
from nova.virt import driver

CONF = nova.conf.CONF


@pytest.fixture
def guest(ctxt, host1):
    inst = test_stalled._instance(ctxt, host1)
    host1.driver.spawn(ctxt, inst, None, [], None, {})
    return inst


def _event(inst, transition=driver.EVENT_LIFECYCLE_STOPPED,
           state=power_state.SHUTDOWN):
    return driver.LifecycleEvent(inst.uuid, transition, state, time.time(),
                                 'shutdown')


def _settled(mgr):
    """Wait until the events handed over so far are handled."""
    mgr._event_executor.submit(lambda: None).result(10)


def test_a_guest_that_shut_itself_down_is_stopped_on_its_event(
        ctxt, host1, guest):
    host1.driver.set_power_state(guest.uuid, power_state.SHUTDOWN)
    host1.driver.emit_event(_event(guest))
    _settled(host1)
    got = objects.Instance.get_by_uuid(ctxt, guest.uuid)
    assert (got.vm_state, got.power_state) == (vm_states.STOPPED,
                                               power_state.SHUTDOWN)


def test_an_event_for_an_instance_of_another_host_changes_nothing(
        ctxt, host1, guest):
    guest.host = 'elsewhere'
    guest.save()
    host1.driver.set_power_state(guest.uuid, power_state.SHUTDOWN)
    host1.driver.emit_event(_event(guest))
    _settled(host1)
    got = objects.Instance.get_by_uuid(ctxt, guest.uuid)
    assert (got.vm_state, got.power_state) == (vm_states.ACTIVE,
                                               power_state.RUNNING)


def test_the_image_cache_pass_hands_the_hosts_instances_to_the_driver(
        ctxt, host1, guest, monkeypatch):
    seen = []
    monkeypatch.setattr(host1.driver, 'capabilities',
                        dict(host1.driver.capabilities, has_imagecache=True))
    monkeypatch.setattr(host1.driver, 'manage_image_cache',
                        lambda c, instances: seen.append(
                            [i.uuid for i in instances]))
    host1._last_image_cache_pass = float('-inf')
    host1._run_image_cache_manager_pass(ctxt)
    assert seen == [[guest.uuid]]


def test_no_image_cache_pass_for_a_driver_without_a_cache(
        ctxt, host1, monkeypatch):
    called = []
    monkeypatch.setattr(host1.driver, 'manage_image_cache',
                        lambda *a: called.append(a))
    host1._last_image_cache_pass = float('-inf')
    host1._run_image_cache_manager_pass(ctxt)
    assert called == []
