"""Instance notifications sent by a build, when configured."""

import itertools
import threading
import time

import oslo_messaging as messaging
import pytest

import nova.conf
from nova import notifications
from nova.tests.unit.compute import test_manager

CONF = nova.conf.CONF


class _Collector:
    def __init__(self):
        self.events = []
        self.ended = threading.Event()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self.events.append((event_type, payload))
        if event_type == 'instance.create.end':
            self.ended.set()


@pytest.fixture
def listener(rpc_bus):
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


def test_build_sends_create_start_and_end(ctxt, host1, listener):
    CONF.set_override('notification_format', 'versioned',
                      group='notifications')
    CONF.set_override('driver', ['messaging'],
                      group='oslo_messaging_notifications')
    inst = test_manager._instance(ctxt)
    test_manager._build(host1, ctxt, inst)
    assert listener.ended.wait(10)
    types = [t for t, _p in listener.events]
    assert types == ['instance.create.start', 'instance.create.end']
    data = listener.events[-1][1]['nova_object.data']
    assert (data['uuid'], data['state']) == (inst.uuid, 'active')


def test_nothing_sent_by_default(ctxt, host1, listener):
    CONF.set_override('driver', ['messaging'],
                      group='oslo_messaging_notifications')
    test_manager._build(host1, ctxt, test_manager._instance(ctxt))
    assert not listener.ended.wait(0.5)
    assert listener.events == []


def _send_versioned(state_change):
    CONF.set_override('notification_format', 'versioned',
                      group='notifications')
    CONF.set_override('notify_on_state_change', state_change,
                      group='notifications')
    CONF.set_override('driver', ['messaging'],
                      group='oslo_messaging_notifications')


@pytest.fixture
def state_changes(listener):
    yield
    CONF.clear_override('notify_on_state_change', group='notifications')


def _updates(listener, uuid):
    return [p['nova_object.data'] for t, p in listener.events
            if t == 'instance.update' and
            p['nova_object.data']['uuid'] == uuid]


def _transitions(updates):
    return [(u['state_update']['nova_object.data']['old_state'],
             u['state_update']['nova_object.data']['state'],
             u['state_update']['nova_object.data']['old_task_state'],
             u['state_update']['nova_object.data']['new_task_state'])
            for u in updates]


def test_build_sends_instance_update_for_each_state_change(
        ctxt, host1, listener, state_changes):
    _send_versioned('vm_and_task_state')
    inst = test_manager._instance(ctxt)
    test_manager._build(host1, ctxt, inst)
    assert listener.ended.wait(10)
    transitions = _transitions(_updates(listener, inst.uuid))
    # The task states a build passes through, then ACTIVE with none.
    assert transitions[0][:3] == ('building', 'building', 'scheduling')
    assert transitions[-1] == ('building', 'active', 'spawning', None)
    for before, after in itertools.pairwise(transitions):
        assert before[3] == after[2]   # each starts where the last ended


def test_vm_state_mode_skips_task_only_changes(ctxt, host1, listener,
                                               state_changes):
    _send_versioned('vm_state')
    inst = test_manager._instance(ctxt)
    test_manager._build(host1, ctxt, inst)
    assert listener.ended.wait(10)
    assert _transitions(_updates(listener, inst.uuid)) == [
        ('building', 'active', 'spawning', None)]


def test_a_rename_sends_the_old_name(ctxt, listener, state_changes):
    _send_versioned('vm_state')
    inst = test_manager._instance(ctxt)
    inst.display_name = 'renamed'
    inst.save()
    deadline = time.monotonic() + 10
    while not _updates(listener, inst.uuid):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    (update,) = _updates(listener, inst.uuid)
    assert (update['old_display_name'], update['display_name']) == (
        'vm', 'renamed')


def test_no_instance_update_without_the_option(ctxt, host1, listener):
    _send_versioned(None)
    inst = test_manager._instance(ctxt)
    test_manager._build(host1, ctxt, inst)
    assert listener.ended.wait(10)
    assert _updates(listener, inst.uuid) == []
