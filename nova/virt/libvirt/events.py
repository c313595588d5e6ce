"""libvirt's domain lifecycle events, turned into the driver's
:class:`nova.virt.driver.LifecycleEvent`.

libvirt delivers events only to connections opened after an event loop
implementation was registered, and only while something runs that loop.
This module registers libvirt's own (``virEventRegisterDefaultImpl``)
once per process and runs ``virEventRunDefaultImpl`` in a native daemon
thread for the life of the process: other connections of the process
(keepalive included) depend on the loop once it is registered, so it is
never stopped.

Callbacks run in the loop thread and must not block it, so
:class:`LifecycleEvents` only queues each event there; a dispatch thread
per driver hands them to the driver's ``emit_event``.
"""

import queue
import threading
import time

from oslo_log import log as logging

from nova.compute import power_state
from nova.virt import driver
from nova.virt.libvirt import host as vhost

LOG = logging.getLogger(__name__)

_loop_lock = threading.Lock()
_loop_thread = None

# virDomainEventType (libvirt's stable enum) -> (transition, power state).
# DEFINED (0), UNDEFINED (1) and SHUTDOWN (6: the guest OS finished
# shutting down; STOPPED follows) say nothing about power.
_TRANSITIONS = {
    2: (driver.EVENT_LIFECYCLE_STARTED, power_state.RUNNING),
    3: (driver.EVENT_LIFECYCLE_PAUSED, power_state.PAUSED),
    4: (driver.EVENT_LIFECYCLE_RESUMED, power_state.RUNNING),
    5: (driver.EVENT_LIFECYCLE_STOPPED, power_state.SHUTDOWN),
    7: (driver.EVENT_LIFECYCLE_SUSPENDED, power_state.SUSPENDED),
    8: (driver.EVENT_LIFECYCLE_CRASHED, power_state.CRASHED),
}
# virDomainEventStoppedDetailType, for the log line of a stop.
_STOPPED_DETAILS = {0: 'shutdown', 1: 'destroyed', 2: 'crashed',
                    3: 'migrated', 4: 'saved', 5: 'failed',
                    6: 'from-snapshot'}


def start_default_loop():
    """Register libvirt's default event loop and run it in a daemon
    thread; does nothing after the first call of the process.
    Connections opened before the first call get no events."""
    global _loop_thread
    lv = vhost.libvirt
    with _loop_lock:
        if _loop_thread is not None:
            return
        lv.virEventRegisterDefaultImpl()
        _loop_thread = threading.Thread(target=_run_loop,
                                        name='libvirt-event-loop',
                                        daemon=True)
        _loop_thread.start()


def _run_loop():
    lv = vhost.libvirt
    while True:
        try:
            lv.virEventRunDefaultImpl()
        except Exception:
            LOG.exception('The libvirt event loop failed; restarting it')
            time.sleep(1)


def to_event(uuid, event, detail, now=None):
    """The LifecycleEvent of a libvirt lifecycle callback, or None when
    the event says nothing about power."""
    known = _TRANSITIONS.get(event)
    if known is None:
        return None
    transition, state = known
    reason = None
    if transition == driver.EVENT_LIFECYCLE_STOPPED:
        reason = _STOPPED_DETAILS.get(detail, str(detail))
    return driver.LifecycleEvent(uuid=uuid, transition=transition,
                                 power_state=state,
                                 timestamp=now or time.time(),
                                 reason=reason)


class LifecycleEvents:
    """Lifecycle events of the domains of one connection after another,
    handed to ``emit(event)`` in a dispatch thread."""

    _STOP = object()

    def __init__(self, emit):
        self._emit = emit
        self._queue = queue.Queue()
        self._thread = None
        self._lock = threading.Lock()

    def start(self):
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._dispatch, name='libvirt-event-dispatch',
                    daemon=True)
                self._thread.start()

    def stop(self, timeout=10):
        """Stop dispatching; events already queued are delivered first."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(self._STOP)
            thread.join(timeout)

    def watch(self, conn):
        """Receive the lifecycle events of ``conn``'s domains (called for
        each new connection: a registration dies with its connection)."""
        lv = vhost.libvirt
        try:
            conn.domainEventRegisterAny(
                None, lv.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self._on_lifecycle,
                None)
        except lv.libvirtError as exc:
            # The periodic power sync still sees every change, later.
            LOG.warning('Cannot receive libvirt lifecycle events (%s); '
                        'power states follow the periodic sync only', exc)
            return False
        return True

    def _on_lifecycle(self, conn, dom, event, detail, opaque):
        # In the loop thread: no libvirt call that waits, no handler.
        try:
            ev = to_event(dom.UUIDString(), event, detail)
        except Exception:
            LOG.exception('Cannot read libvirt event %s/%s', event, detail)
            return
        if ev is not None:
            self._queue.put(ev)

    def _dispatch(self):
        while True:
            ev = self._queue.get()
            if ev is self._STOP:
                return
            LOG.debug('Lifecycle event %s of %s (%s)', ev.transition,
                      ev.uuid, ev.reason)
            try:
                self._emit(ev)
            except Exception:
                LOG.exception('Delivering lifecycle event %s failed', ev)
