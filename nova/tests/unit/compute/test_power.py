"""The manager's actions that keep an instance on its host and the power
state sync: fake driver (with injected faults), SQLite cell DB."""

import threading

import oslo_messaging as messaging
import pytest
from oslo_utils import uuidutils

import nova.conf
from nova import context as nova_context
from nova import exception, notifications, objects
from nova.compute import power_state, task_states, vm_states
from nova.virt import fake

CONF = nova.conf.CONF


@pytest.fixture
def active(ctxt, host1):
    """An instance running on host1, as a build leaves it."""
    flavor = objects.Flavor(id=1, flavorid='1', name='m1.tiny',
                            memory_mb=512, vcpus=1, root_gb=1,
                            ephemeral_gb=0, swap=0)
    inst = objects.Instance(
        ctxt, uuid=uuidutils.generate_uuid(), project_id='p', user_id='u',
        vm_state=vm_states.ACTIVE, task_state=None,
        power_state=power_state.RUNNING, flavor=flavor, vcpus=1,
        memory_mb=512, root_gb=1, ephemeral_gb=0, display_name='vm',
        host=host1.host, node=host1.host)
    inst.create()
    host1.driver.spawn(ctxt, inst, None, [], None, {})
    return inst


def _begin(ctxt, inst, action, task_state):
    """What the compute API does before its cast."""
    objects.InstanceAction.action_start(ctxt, inst.uuid, action,
                                        want_result=False)
    inst.task_state = task_state
    inst.save()


def _event(ctxt, inst, name):
    action = objects.InstanceAction.get_by_request_id(ctxt, inst.uuid,
                                                      ctxt.request_id)
    (event,) = [e for e in objects.InstanceActionEventList.get_by_action(
        ctxt, action.id) if e.event == name]
    return event


def _reload(ctxt, inst):
    return objects.Instance.get_by_uuid(ctxt, inst.uuid,
                                        expected_attrs=['fault'])


def test_pause_sets_paused_from_the_driver(ctxt, host1, active):
    _begin(ctxt, active, 'pause', task_states.PAUSING)
    host1.pause_instance(ctxt, active)
    got = _reload(ctxt, active)
    assert (got.vm_state, got.task_state, got.power_state) == (
        vm_states.PAUSED, None, power_state.PAUSED)
    assert _event(ctxt, active, 'compute_pause_instance').result == 'Success'


def test_failed_pause_reverts_to_active_with_a_fault(ctxt, host1, active):
    fake.FakeDriver.set_fault('pause', RuntimeError('frozen'), count=1)
    _begin(ctxt, active, 'pause', task_states.PAUSING)
    host1.pause_instance(ctxt, active)
    got = _reload(ctxt, active)
    assert (got.vm_state, got.task_state, got.power_state) == (
        vm_states.ACTIVE, None, power_state.RUNNING)
    assert got.fault.message == (
        'pause failed on host host1: RuntimeError: frozen')
    event = _event(ctxt, active, 'compute_pause_instance')
    assert (event.result, event.details) == ('Error', 'frozen')


def test_failed_reboot_is_error(ctxt, host1, active):
    fake.FakeDriver.set_fault('reboot', RuntimeError('stuck'), count=1)
    _begin(ctxt, active, 'reboot', task_states.REBOOTING_HARD)
    host1.reboot_instance(ctxt, active, 'HARD')
    got = _reload(ctxt, active)
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert 'reboot failed on host host1' in got.fault.message


def test_failure_with_the_guest_gone_is_error(ctxt, host1, active):
    host1.driver.destroy(ctxt, active, [])
    _begin(ctxt, active, 'stop', task_states.POWERING_OFF)
    host1.stop_instance(ctxt, active)
    got = _reload(ctxt, active)
    assert (got.vm_state, got.power_state) == (vm_states.ERROR,
                                               power_state.NOSTATE)


def test_stop_and_start(ctxt, host1, active):
    _begin(ctxt, active, 'stop', task_states.POWERING_OFF)
    host1.stop_instance(ctxt, active)
    got = _reload(ctxt, active)
    assert (got.vm_state, got.power_state) == (vm_states.STOPPED,
                                               power_state.SHUTDOWN)
    _begin(ctxt, got, 'start', task_states.POWERING_ON)
    host1.start_instance(ctxt, got)
    got = _reload(ctxt, active)
    assert (got.vm_state, got.power_state) == (vm_states.ACTIVE,
                                               power_state.RUNNING)


def test_unsupported_password_change_is_501_for_the_caller(ctxt, host1,
                                                           active):
    fake.FakeDriver.set_fault('set_admin_password', NotImplementedError(),
                              count=1)
    _begin(ctxt, active, 'changePassword', task_states.UPDATING_PASSWORD)
    with pytest.raises(exception.ActionNotSupportedByDriver) as err:
        host1.set_admin_password(ctxt, active, 'pw')
    assert err.value.code == 501
    got = _reload(ctxt, active)
    assert (got.vm_state, got.task_state) == (vm_states.ACTIVE, None)


def test_refused_password_is_a_409_with_the_reason(ctxt, host1, active):
    fake.FakeDriver.set_fault('set_admin_password',
                              ValueError('too short'), count=1)
    _begin(ctxt, active, 'changePassword', task_states.UPDATING_PASSWORD)
    with pytest.raises(exception.InstancePasswordSetFailed) as err:
        host1.set_admin_password(ctxt, active, 'pw')
    assert 'too short' in err.value.format_message()


def test_action_on_an_instance_deleted_meanwhile_is_dropped(ctxt, host1,
                                                            active):
    _begin(ctxt, active, 'pause', task_states.PAUSING)
    objects.Instance.get_by_uuid(ctxt, active.uuid).destroy()
    host1.pause_instance(ctxt, active)   # no error, nothing recorded
    assert objects.InstanceFault.get_latest_for_instance(
        ctxt, active.uuid) is None


def test_console_output_tail(ctxt, host1, active):
    full = host1.get_console_output(ctxt, active)
    assert host1.get_console_output(ctxt, active, 1) == \
        full.splitlines(True)[-1]
    assert host1.get_console_output(ctxt, active, -1) == full


def test_sync_stops_an_active_instance_whose_guest_shut_down(ctxt, host1,
                                                             active):
    host1.driver.set_power_state(active.uuid, power_state.SHUTDOWN)
    assert host1.sync_power_states(nova_context.get_admin_context()) == 1
    got = _reload(ctxt, active)
    assert (got.vm_state, got.power_state) == (vm_states.STOPPED,
                                               power_state.SHUTDOWN)
    (action,) = [a for a in objects.InstanceActionList.get_by_instance_uuid(
        ctxt, active.uuid) if a.action == 'stop']
    assert action.user_id is None and action.finish_time is not None


def test_sync_powers_off_a_stopped_instance_running_again(ctxt, host1,
                                                          active):
    active.vm_state = vm_states.STOPPED
    active.power_state = power_state.SHUTDOWN
    active.save()
    host1.sync_power_states(nova_context.get_admin_context())
    assert host1.driver.guest(active.uuid).state == power_state.SHUTDOWN
    assert _reload(ctxt, active).vm_state == vm_states.STOPPED


def test_sync_skips_an_instance_with_a_task(ctxt, host1, active):
    active.task_state = task_states.PAUSING
    active.save()
    host1.driver.set_power_state(active.uuid, power_state.SHUTDOWN)
    assert host1.sync_power_states(nova_context.get_admin_context()) == 0
    assert _reload(ctxt, active).vm_state == vm_states.ACTIVE


def test_sync_records_a_paused_guest_power_state(ctxt, host1, active):
    active.vm_state = vm_states.PAUSED
    active.save()
    host1.driver.set_power_state(active.uuid, power_state.PAUSED)
    host1.sync_power_states(nova_context.get_admin_context())
    assert _reload(ctxt, active).power_state == power_state.PAUSED


class _Collector:
    def __init__(self):
        self.events = []
        self.ended = threading.Event()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self.events.append((event_type, payload))
        if event_type.endswith('.end'):
            self.ended.set()


@pytest.fixture
def notified(rpc_bus):
    CONF.set_override('notification_format', 'versioned',
                      group='notifications')
    CONF.set_override('driver', ['messaging'],
                      group='oslo_messaging_notifications')
    collector = _Collector()
    server = messaging.get_notification_listener(
        rpc_bus.NOTIFICATION_TRANSPORT,
        [messaging.Target(topic='versioned_notifications')], [collector],
        executor='threading')
    server.start()
    yield collector
    server.stop()
    server.wait()
    CONF.clear_override('notification_format', group='notifications')
    CONF.clear_override('driver', group='oslo_messaging_notifications')
    notifications.reset()


def test_pause_sends_start_and_end_notifications(ctxt, host1, active,
                                                 notified):
    _begin(ctxt, active, 'pause', task_states.PAUSING)
    host1.pause_instance(ctxt, active)
    assert notified.ended.wait(10)
    assert [t for t, _p in notified.events] == [
        'instance.pause.start', 'instance.pause.end']
    data = notified.events[-1][1]['nova_object.data']
    assert (data['uuid'], data['state']) == (active.uuid, 'paused')


def test_stop_is_notified_as_power_off(ctxt, host1, active, notified):
    _begin(ctxt, active, 'stop', task_states.POWERING_OFF)
    host1.stop_instance(ctxt, active)
    assert notified.ended.wait(10)
    assert notified.events[-1][0] == 'instance.power_off.end'


def test_a_reset_during_the_action_wins(ctxt, host1, active):
    _begin(ctxt, active, 'pause', task_states.PAUSING)
    reset = objects.Instance.get_by_uuid(ctxt, active.uuid)
    reset.vm_state = vm_states.ERROR
    reset.task_state = None
    reset.save()
    host1.pause_instance(ctxt, active)
    got = _reload(ctxt, active)
    assert (got.vm_state, got.task_state, got.fault) == (
        vm_states.ERROR, None, None)
