"""Fault scenario 6: SIGTERM to every daemon during load, then start.

Clients create servers (the fake driver takes seconds per spawn) and
delete others; with work in flight every daemon (API, conductor,
scheduler, computes, Placement) gets SIGTERM at once. Each must stop
within its graceful shutdown time with exit code 0. All are started
again with the same configuration, and clients retry what was refused
while the API was down. Nothing is lost: every server the API accepted
ends ACTIVE (its build finished before the stop or was re-driven after
it), every accepted delete is done, and the deployment is consistent
(see ``faults.py``).
"""

import signal
import threading
import time

import pytest

from nova.tests.integration import faults

BEFORE = 6          # ACTIVE servers deleted during the load
SERVERS = 16        # servers created during the load
STOP_AFTER = 6      # accepted creates before the SIGTERM
STOP_WAIT = 40      # graceful_shutdown_timeout (10 s) with room
BOUND = 180         # seconds, from the start to all settled


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    with faults.deployed(tmp_path_factory, 'sigterm-all',
                         fake_delays={'spawn': 3, 'destroy': 2}) as dep:
        yield dep


def test_sigterm_every_daemon_during_load_loses_nothing(deployment, tmp_path):
    api = faults.client(deployment)
    figures = faults.Figures(str(tmp_path / 'figures.json'), 'sigterm-all',
                             servers=SERVERS, bound_s=BOUND,
                             deployment_start_s=deployment.start_seconds)
    recorder = faults.Recorder()
    stopped = threading.Event()
    stop = {}
    names = list(deployment.daemons)

    def stop_all():
        began = time.monotonic()
        stop['codes'] = deployment.signal_all(signal.SIGTERM, wait=STOP_WAIT)
        stop['seconds'] = round(time.monotonic() - began, 1)
        stop['in_flight'] = in_flight
        stopped.set()

    in_flight = {}

    def on_accepted(n):
        if n == STOP_AFTER:
            listed = faults.list_servers(api)
            in_flight.update(dict.fromkeys(
                {s.get('OS-EXT-STS:task_state') or s['status'] for s in listed.values()}))
            threading.Thread(target=stop_all, daemon=True).start()

    try:
        first = faults.create_servers(deployment, BEFORE, 'before', recorder)
        faults.wait_settled(deployment, first, 120)
        for sid in first:
            resp = recorder.response(api.delete(f'/servers/{sid}'))
            assert resp.status_code == 204, resp.text

        def start_all():
            if stopped.wait(STOP_WAIT + 60):
                for name in names:
                    deployment.restart(name)

        restarter = threading.Thread(target=start_all, daemon=True)
        restarter.start()
        ids = faults.create_servers(deployment, SERVERS, 'during', recorder, workers=4,
                                    on_accepted=on_accepted)
        restarter.join(120)
        assert stopped.is_set(), 'the daemons were not stopped'
        started = time.monotonic()
        figures['stop'] = {'seconds': stop['seconds'], 'exit_codes': stop['codes'],
                           'states_in_flight': sorted(stop['in_flight'])}
        servers = faults.wait_settled(deployment, ids, BOUND, gone=first)
        figures['settled_after_start_s'] = round(time.monotonic() - started, 1)
        figures['outcome'] = faults.outcome(servers)
        figures['faults'] = sorted({str(m) for m in faults.error_faults(servers).values()})
        figures['api_codes'] = recorder.as_dict()

        # Everything is measured before anything is asserted, so that a
        # failure reports every broken promise at once.
        try:
            faults.assert_consistent(deployment, figures)
        except AssertionError as exc:
            inconsistent = str(exc)
        else:
            inconsistent = None
        assert stop['codes'] == dict.fromkeys(names, 0), (
            f'not every daemon stopped cleanly within its graceful shutdown: '
            f'{stop["codes"]}')
        assert faults.error_faults(servers) == {}, (
            f'builds lost (ERROR instead of finished or re-driven): '
            f'{faults.error_faults(servers)}')
        assert recorder.count(500) == 0, recorder.samples
        assert inconsistent is None, inconsistent
    finally:
        figures.save()
