"""Fault scenario 3: nova-scheduler or nova-conductor killed (SIGKILL) in
the middle of requests, then started again.

Clients create servers in parallel; once some are accepted, the daemon is
killed while the rest are scheduled and built, and started again a few
seconds later with the same configuration. Each request fails cleanly
(ERROR with a fault) or completes (ACTIVE) within the bound, which
covers the RPC timeout and the cleanup periodic tasks
(``task_state_timeout``); after them no build request, instance mapping
or allocation is left orphaned (see ``faults.py``). Each kill has a
deployment of its own.
"""

import signal
import threading
import time

import pytest

from nova.tests.integration import faults

SERVERS = 16
KILL_AFTER = 4      # accepted creates before the kill
DOWN_FOR = 5        # seconds the daemon stays dead
# rpc_response_timeout + task_state_timeout + poll interval, with room
# for a slow machine.
BOUND = 180


@pytest.fixture
def deployment(tmp_path_factory):
    """One deployment per test: what one kill leaves behind must not be
    blamed on the other."""
    with faults.deployed(tmp_path_factory, 'control-kill',
                         fake_delays={'spawn': 2}) as dep:
        yield dep


def _kill_during_boots(deployment, victim, tmp_path):
    figures = faults.Figures(str(tmp_path / 'figures.json'), f'{victim}-sigkill',
                             servers=SERVERS, bound_s=BOUND, down_for_s=DOWN_FOR,
                             deployment_start_s=deployment.start_seconds)
    recorder = faults.Recorder()
    killed = threading.Event()

    def on_accepted(n):
        if n == KILL_AFTER:
            deployment.kill(victim, signal.SIGKILL)
            killed.set()

    try:
        ids = faults.create_servers(deployment, SERVERS, victim, recorder, workers=4,
                                    on_accepted=on_accepted)
        assert killed.is_set()
        time.sleep(DOWN_FOR)
        restarted = time.monotonic()
        deployment.restart(victim)
        servers = faults.wait_settled(deployment, ids, BOUND)
        figures['settled_after_restart_s'] = round(time.monotonic() - restarted, 1)
        figures['outcome'] = faults.outcome(servers)
        figures['faults'] = sorted({str(m) for m in faults.error_faults(servers).values()})
        figures['api_codes'] = recorder.as_dict()

        assert all(faults.error_faults(servers).values()), faults.error_faults(servers)
        assert recorder.count(500) == 0, recorder.samples
        faults.boot_one_active(deployment, f'after-{victim}')
        faults.assert_all_daemons_alive(deployment, restarted=(victim,))
        faults.assert_consistent(deployment, figures)
    finally:
        figures.save()


def test_scheduler_killed_mid_request(deployment, tmp_path):
    _kill_during_boots(deployment, 'scheduler', tmp_path)


def test_conductor_killed_mid_request(deployment, tmp_path):
    _kill_during_boots(deployment, 'conductor', tmp_path)
