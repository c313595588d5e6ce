"""Instance notifications sent by a build, when configured."""

import threading

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
