"""libvirt lifecycle events become the driver's LifecycleEvents."""

import queue

import pytest

from nova.compute import power_state
from nova.virt import driver as virt_driver
from nova.virt.libvirt import events
from nova.virt.libvirt import host as libvirt_host

libvirt = libvirt_host.libvirt

pytestmark = pytest.mark.skipif(libvirt is None,
                                reason='libvirt-python is not installed')

NODE_XML = ('<node><cpu><mhz>2000</mhz><nodes>1</nodes><sockets>1</sockets>'
            '<cores>1</cores><threads>1</threads></cpu>'
            '<memory>1048576</memory></node>')
DOMAIN_XML = """<domain type='test'><name>ev</name>
<uuid>5d1b2bcb-1ac1-4bd1-8d5b-1b7e4ec5a1a0</uuid>
<memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"""


@pytest.mark.parametrize('event,detail,expected', [
    (2, 0, (virt_driver.EVENT_LIFECYCLE_STARTED, power_state.RUNNING, None)),
    (3, 0, (virt_driver.EVENT_LIFECYCLE_PAUSED, power_state.PAUSED, None)),
    (4, 0, (virt_driver.EVENT_LIFECYCLE_RESUMED, power_state.RUNNING,
            None)),
    (5, 0, (virt_driver.EVENT_LIFECYCLE_STOPPED, power_state.SHUTDOWN,
            'shutdown')),
    (5, 4, (virt_driver.EVENT_LIFECYCLE_STOPPED, power_state.SHUTDOWN,
            'saved')),
    (7, 0, (virt_driver.EVENT_LIFECYCLE_SUSPENDED, power_state.SUSPENDED,
            None)),
    (8, 0, (virt_driver.EVENT_LIFECYCLE_CRASHED, power_state.CRASHED,
            None)),
])
def test_power_events_are_translated(event, detail, expected):
    ev = events.to_event('u1', event, detail, now=12.5)
    assert (ev.transition, ev.power_state, ev.reason) == expected
    assert (ev.uuid, ev.timestamp) == ('u1', 12.5)


@pytest.mark.parametrize('event', [0, 1, 6])
def test_defined_undefined_and_shutdown_say_nothing(event):
    # 6 (the guest OS shut down) is followed by 5 (stopped).
    assert events.to_event('u1', event, 0) is None


def test_events_of_a_connection_reach_the_listener(tmp_path):
    events.start_default_loop()
    node = tmp_path / 'node.xml'
    node.write_text(NODE_XML)
    got = queue.Queue()
    watcher = events.LifecycleEvents(got.put)
    watcher.start()
    conn = libvirt.open(f'test://{node}')
    try:
        assert watcher.watch(conn)
        dom = conn.defineXML(DOMAIN_XML)
        dom.create()
        dom.suspend()
        dom.resume()
        dom.destroy()
        seen = [got.get(timeout=10).transition for _ in range(4)]
    finally:
        conn.close()
        watcher.stop()
    assert seen == [virt_driver.EVENT_LIFECYCLE_STARTED,
                    virt_driver.EVENT_LIFECYCLE_PAUSED,
                    virt_driver.EVENT_LIFECYCLE_RESUMED,
                    virt_driver.EVENT_LIFECYCLE_STOPPED]


def test_a_failing_listener_does_not_stop_the_dispatch():
    delivered = queue.Queue()

    def listener(ev):
        delivered.put(ev)
        if ev.uuid == 'first':
            raise RuntimeError('listener bug')
    watcher = events.LifecycleEvents(listener)
    watcher.start()
    try:
        for uuid in ('first', 'second'):
            watcher._on_lifecycle(None, _Dom(uuid), 5, 0, None)
        assert [delivered.get(timeout=10).uuid for _ in range(2)] == [
            'first', 'second']
    finally:
        watcher.stop()


def test_driver_emits_to_registered_listener_only():
    drv = virt_driver.ComputeDriver()
    ev = events.to_event('u1', 2, 0)
    drv.emit_event(ev)      # no listener: nothing happens
    got = []
    drv.register_event_listener(got.append)
    drv.emit_event(ev)
    assert got == [ev]


class _Dom:
    def __init__(self, uuid):
        self.uuid = uuid

    def UUIDString(self):
        return self.uuid
