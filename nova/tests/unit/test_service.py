"""nova.service: graceful stop of the WSGI server and the shutdown
watchdog."""

import threading

import requests

import nova.conf
from nova import service

CONF = nova.conf.CONF


def _blocking_app(started, release):
    def app(environ, start_response):
        started.set()
        release.wait(30)
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'done']
    return app


def test_a_graceful_stop_lets_a_request_in_progress_finish():
    started, release = threading.Event(), threading.Event()
    wsgi = service.WSGIService('test-api', _blocking_app(started, release),
                               '127.0.0.1', 0)
    wsgi.start()
    answers = []
    client = threading.Thread(target=lambda: answers.append(requests.get(
        f'http://127.0.0.1:{wsgi.port}/', timeout=30)))
    client.start()
    assert started.wait(10)
    stopper = threading.Thread(target=wsgi.stop)
    stopper.start()
    stopper.join(0.5)
    assert stopper.is_alive(), 'stop returned with a request in progress'
    release.set()
    stopper.join(10)
    client.join(10)
    assert not stopper.is_alive()
    assert [(a.status_code, a.text) for a in answers] == [(200, 'done')]


def test_a_graceful_stop_gives_up_after_the_timeout():
    started, release = threading.Event(), threading.Event()
    wsgi = service.WSGIService('test-api', _blocking_app(started, release),
                               '127.0.0.1', 0)
    wsgi.start()
    client = threading.Thread(target=lambda: requests.get(
        f'http://127.0.0.1:{wsgi.port}/', timeout=30))
    client.start()
    assert started.wait(10)
    CONF.set_override('graceful_shutdown_timeout', 0)
    try:
        wsgi.stop()     # returns although the request still runs
    finally:
        CONF.clear_override('graceful_shutdown_timeout')
        release.set()
        client.join(10)
    assert wsgi.server is None


def test_the_watchdog_exits_a_stop_that_hangs(monkeypatch):
    exited = threading.Event()
    monkeypatch.setattr(service, '_WATCHDOG_MARGIN', 0)
    monkeypatch.setattr(service.os, '_exit', lambda code: exited.set())
    service._shutdown_watchdog(0.1)
    assert exited.wait(5)


def test_the_watchdog_is_cancelled_by_a_stop_in_time(monkeypatch):
    exited = threading.Event()
    monkeypatch.setattr(service, '_WATCHDOG_MARGIN', 0)
    monkeypatch.setattr(service.os, '_exit', lambda code: exited.set())
    service._shutdown_watchdog(0.3).cancel()
    assert not exited.wait(0.6)


def test_work_outliving_the_stop_is_cut_off_with_a_clean_exit(monkeypatch):
    release = threading.Event()
    worker = threading.Thread(target=release.wait, args=(30,),
                              name='build-cut-off', daemon=False)
    worker.start()
    codes = []
    monkeypatch.setattr(service.os, '_exit', codes.append)
    monkeypatch.setattr(service.logging_std, 'shutdown', lambda: None)
    try:
        service._cut_off_leftover_work()
    finally:
        release.set()
        worker.join(10)
    assert codes == [0]


def test_an_rpc_service_stops_by_its_deadline_when_a_message_hangs():
    import time

    class Manager:
        def cleanup_host(self):
            self.cleaned = True

    class HangingServer:
        def __init__(self):
            self.release = threading.Event()

        def stop(self):
            pass

        def wait(self):
            self.release.wait(30)

    svc = service.Service('h', 'nova-conductor', 'conductor', Manager())
    svc.rpcserver = HangingServer()
    began = time.monotonic()
    try:
        svc.stop(graceful=True, deadline=time.monotonic() + 0.5)
        took = time.monotonic() - began
    finally:
        svc.rpcserver.release.set()
    assert took < 10, 'stop waited for the hanging message'
    assert svc.manager.cleaned
    assert svc.manager.stop_deadline <= began + 0.6


def test_busy_pool_workers_are_cut_off_even_as_daemon_threads(monkeypatch):
    import concurrent.futures
    release = threading.Event()
    pools = []

    def submit_from_a_daemon_thread():
        pool = concurrent.futures.ThreadPoolExecutor(1)
        pool.submit(release.wait, 30)
        pools.append(pool)
    submitter = threading.Thread(target=submit_from_a_daemon_thread,
                                 daemon=True)
    submitter.start()
    submitter.join(10)
    codes = []
    monkeypatch.setattr(service.os, '_exit', codes.append)
    monkeypatch.setattr(service.logging_std, 'shutdown', lambda: None)
    try:
        service._cut_off_leftover_work()
    finally:
        release.set()
        pools[0].shutdown(wait=True)
    assert codes == [0]
