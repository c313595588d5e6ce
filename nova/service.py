"""The service base: one RPC server (or WSGI server) plus its housekeeping.

A :class:`Service` owns a manager, serves its RPC endpoints on the
``threading`` executor, keeps a row in ``services`` with a heartbeat every
``report_interval`` and runs the manager's periodic tasks. :func:`run`
serves a set of services until SIGTERM/SIGINT (graceful: in-flight RPC
finishes) and reloads configuration on SIGHUP.
"""

import logging as logging_std
import os
import random
import signal
import socketserver
import sys
import threading
import time
import tracemalloc
from concurrent.futures import thread as concurrent_thread
from wsgiref import simple_server

import oslo_messaging as messaging
from futurist import _thread as futurist_thread
from oslo_log import log as logging
from oslo_service import systemd
from oslo_utils import importutils, timeutils

import nova.conf
from nova import context as nova_context
from nova import exception, memory_report, objects, rpc, version

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

MANAGERS = {
    'nova-compute': 'nova.compute.manager.ComputeManager',
    'nova-conductor': 'nova.conductor.manager.ConductorManager',
    'nova-scheduler': 'nova.scheduler.manager.SchedulerManager',
}
TOPICS = {
    'nova-compute': 'compute',
    'nova-conductor': 'conductor',
    'nova-scheduler': 'scheduler',
}


class Service:
    """An RPC service: a manager served on ``topic`` (and ``topic.host``)."""

    def __init__(self, host, binary, topic, manager,
                 report_interval=None, periodic_enable=None,
                 periodic_fuzzy_delay=None):
        self.host = host
        self.binary = binary
        self.topic = topic
        self.manager = manager
        self.report_interval = (CONF.report_interval if report_interval is None
                                else report_interval)
        self.periodic_enable = (CONF.periodic_enable if periodic_enable is None
                                else periodic_enable)
        self.periodic_fuzzy_delay = (CONF.periodic_fuzzy_delay
                                     if periodic_fuzzy_delay is None
                                     else periodic_fuzzy_delay)
        self.service_ref = None
        self.rpcserver = None
        self._stop = threading.Event()
        self._threads = []

    @classmethod
    def create(cls, binary, host=None, topic=None, manager=None, **kwargs):
        host = host or CONF.host
        topic = topic or TOPICS[binary]
        if manager is None:
            manager_cls = importutils.import_class(MANAGERS[binary])
            manager = manager_cls(host=host)
        return cls(host, binary, topic, manager, **kwargs)

    def __repr__(self):
        return f'<Service {self.binary} on {self.host}>'

    def start(self):
        LOG.info('Starting %s on %s (version %s)', self.binary, self.host,
                 version.version_string)
        ctxt = nova_context.get_admin_context()
        self.manager.init_host()
        self.service_ref = self._ensure_service_row(ctxt)
        self.manager.pre_start_hook(service_ref=self.service_ref)

        target = messaging.Target(topic=self.topic, server=self.host)
        endpoints = [self.manager] + list(getattr(self.manager, 'additional_endpoints', []))
        self.rpcserver = rpc.get_server(target, endpoints)
        self.rpcserver.start()
        self.manager.post_start_hook()

        self._spawn(self._heartbeat_loop, 'heartbeat')
        if self.periodic_enable:
            self._spawn(self._periodic_loop, 'periodic')
        LOG.info('%s on %s is serving topic %s', self.binary, self.host, self.topic)

    def _ensure_service_row(self, ctxt):
        try:
            service_ref = objects.Service.get_by_host_and_binary(
                ctxt, self.host, self.binary)
        except exception.NotFound:
            service_ref = None
        if service_ref is None:
            service_ref = objects.Service(ctxt, host=self.host, binary=self.binary,
                                          topic=self.topic, report_count=0,
                                          version=version.SERVICE_VERSION)
            service_ref.create()
        else:
            # A first heartbeat before the manager's start-up work (a
            # compute's recovery may take a while): the service is alive,
            # and what it will end itself nobody else should.
            service_ref.version = version.SERVICE_VERSION
            service_ref.last_seen_up = timeutils.utcnow()
            service_ref.save()
        return service_ref

    def _spawn(self, fn, name):
        thread = threading.Thread(target=fn, name=f'{self.binary}-{name}',
                                  daemon=True)
        thread.start()
        self._threads.append(thread)

    def _heartbeat_loop(self):
        while not self._stop.wait(self.report_interval):
            self.report_state()

    def report_state(self):
        """Write the heartbeat; a failing DB or bus is logged, not fatal."""
        try:
            self.service_ref.report_count += 1
            self.service_ref.last_seen_up = timeutils.utcnow()
            self.service_ref.save()
            if getattr(self, '_lost_db', False):
                LOG.info('%s reconnected; heartbeats resume', self.binary)
                self._lost_db = False
        except Exception:
            if not getattr(self, '_lost_db', False):
                LOG.exception('%s could not write its heartbeat', self.binary)
            self._lost_db = True

    def _periodic_loop(self):
        delay = random.randint(0, self.periodic_fuzzy_delay) if self.periodic_fuzzy_delay else 0
        if self._stop.wait(delay):
            return
        while not self._stop.is_set():
            ctxt = nova_context.get_admin_context()
            try:
                idle = self.manager.periodic_tasks(ctxt)
            except Exception:
                LOG.exception('Periodic tasks of %s failed', self.binary)
                idle = 10
            # idle: seconds until the next task is due (0: due now).
            self._stop.wait(max(1, min(60 if idle is None else idle, 60)))

    def stop(self, graceful=True, deadline=None):
        """Stop taking messages; with ``graceful`` let in-flight ones
        finish, until ``deadline`` (time.monotonic(); by default
        ``graceful_shutdown_timeout`` from now). The manager's
        ``stop_deadline`` tells its own clean-up the same deadline."""
        if deadline is None:
            deadline = time.monotonic() + CONF.graceful_shutdown_timeout
        self._stop.set()
        self.manager.stop_deadline = deadline
        if self.rpcserver is not None:
            try:
                self.rpcserver.stop()
                if graceful:
                    _wait_until(self.rpcserver.wait, deadline,
                                f'{self.binary} in-flight messages')
            except Exception:
                LOG.exception('Failed to stop the RPC server of %s', self.binary)
        try:
            self.manager.cleanup_host()
        except Exception:
            LOG.exception('cleanup_host of %s failed', self.binary)
        LOG.info('%s on %s stopped', self.binary, self.host)

    def reset(self):
        self.manager.reset()


def _wait_until(wait, deadline, what):
    """Run ``wait()`` (which has no timeout) for at most until
    ``deadline``; what it waits for is cut off after that."""
    waiter = threading.Thread(target=wait, name=f'wait-{what}', daemon=True)
    waiter.start()
    waiter.join(max(0.0, deadline - time.monotonic()))
    if waiter.is_alive():
        LOG.warning('Stopping without waiting longer for %s', what)


class _ThreadedWSGIServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    """A thread per request; counts the requests in progress so that a
    graceful stop lets them finish (a POST /servers cut between its DB
    writes and its cast would leave work for the deadlines to end)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._in_progress = 0
        self._idle = threading.Condition()

    def process_request_thread(self, request, client_address):
        with self._idle:
            self._in_progress += 1
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._idle:
                self._in_progress -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout):
        """True when no request is in progress, waiting up to ``timeout``."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_progress == 0,
                                       timeout=timeout)


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, fmt, *args):  # oslo.log's request logging suffices
        LOG.debug('%s %s', self.address_string(), fmt % args)


class WSGIService:
    """Serves a WSGI app on a port with a multi-threaded server."""

    def __init__(self, name, app, host, port):
        self.name = name
        self.app = app
        self.host = host
        self.port = port
        self.server = None
        self._thread = None

    def start(self):
        self.server = simple_server.make_server(
            self.host, self.port, self.app, server_class=_ThreadedWSGIServer,
            handler_class=_QuietHandler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever,
                                        name=self.name, daemon=True)
        self._thread.start()
        LOG.info('%s listening on http://%s:%s', self.name, self.host, self.port)

    def stop(self, graceful=True):
        """Stop accepting; with ``graceful`` let the requests in progress
        finish (up to ``graceful_shutdown_timeout``)."""
        if self.server is not None:
            self.server.shutdown()
            if graceful and not self.server.wait_idle(
                    CONF.graceful_shutdown_timeout):
                LOG.warning('%s stops with requests still in progress',
                            self.name)
            self.server.server_close()
            self.server = None

    def reset(self):
        pass


# Set when this process starts stopping: work that waits (retries,
# back-offs) gives up rather than hold the stop.
STOPPING = threading.Event()


def run(services, on_reload=None):
    """Start ``services``, serve until SIGTERM/SIGINT, then stop them.

    SIGHUP reloads mutable configuration options and calls ``reset`` on
    each service. Readiness is signalled to systemd (Type=notify) once every
    service serves.
    """
    stop_event = threading.Event()
    reload_event = threading.Event()

    def _stop(signo, frame):
        LOG.info('Caught %s, stopping', signal.Signals(signo).name)
        stop_event.set()
        STOPPING.set()

    def _reload(signo, frame):
        reload_event.set()

    def _memory(signo, frame):
        memory_event.set()

    memory_event = threading.Event()
    old = {s: signal.signal(s, h) for s, h in
           ((signal.SIGTERM, _stop), (signal.SIGINT, _stop),
            (signal.SIGHUP, _reload), (signal.SIGUSR2, _memory))}
    started = []
    try:
        for service in services:
            service.start()
            started.append(service)
        systemd.notify_once()
        while not stop_event.is_set():
            stop_event.wait(0.5)
            if reload_event.is_set():
                reload_event.clear()
                LOG.info('Caught SIGHUP, reloading configuration')
                CONF.mutate_config_files()
                for service in started:
                    service.reset()
                if on_reload:
                    on_reload()
            if memory_event.is_set():
                memory_event.clear()
                memory_report.log('SIGUSR2')
    finally:
        if tracemalloc.is_tracing():
            memory_report.log('stopping')
        deadline = time.monotonic() + CONF.graceful_shutdown_timeout
        watchdog = _shutdown_watchdog(CONF.graceful_shutdown_timeout)
        for service in reversed(started):
            if isinstance(service, Service):
                service.stop(graceful=time.monotonic() < deadline,
                             deadline=deadline)
            else:
                service.stop(graceful=time.monotonic() < deadline)
        watchdog.cancel()
        for signo, handler in old.items():
            signal.signal(signo, handler)
        _cut_off_leftover_work()


def _cut_off_leftover_work():
    """Every service stopped in time, but work threads that outlived the
    graceful window (a build waiting on a service that stopped too) would
    keep the interpreter from exiting: exit now, cleanly. What they were
    doing is ended or re-driven at the next start."""
    # Pool workers count even when they are daemon threads (they inherit
    # the flag of the thread that submitted first): the interpreter joins
    # them at exit all the same.
    pool_workers = set(concurrent_thread._threads_queues)
    pool_workers.update(getattr(futurist_thread, '_to_be_cleaned', {}))
    busy = [t for t in threading.enumerate()
            if t is not threading.main_thread() and t.is_alive()
            and (not t.daemon or t in pool_workers)]
    if not busy:
        return
    LOG.warning('Exiting with %d work thread(s) cut off: %s', len(busy),
                ', '.join(sorted(t.name for t in busy))[:500])
    logging_std.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# Seconds the watchdog adds to graceful_shutdown_timeout.
_WATCHDOG_MARGIN = 5


def _shutdown_watchdog(timeout):
    """Exit the process if stopping takes longer than ``timeout`` (plus
    a little): a stop stuck on in-flight work must not hang for ever; what
    it cut off is ended at the next start (start-up recovery)."""
    def expire():
        LOG.error('Stopping took more than graceful_shutdown_timeout (%d s); '
                  'exiting now', timeout)
        os._exit(1)
    timer = threading.Timer(timeout + _WATCHDOG_MARGIN, expire)
    timer.daemon = True
    timer.start()
    return timer
