"""Fault scenario 5: Placement unreachable.

Placement is stopped; servers created meanwhile must end in ERROR with a
fault that says Placement is unreachable (an operator's cue to look at
Placement), not "No valid host" (which sends them looking at capacity).
Once Placement is started again, a boot succeeds with no other daemon
restarted, and deleting the failed servers leaves nothing behind.
"""

import re
import signal
import time

import pytest

from nova.tests.integration import faults

SERVERS = 3
BOUND = 90   # seconds from the create to the ERROR with its fault
UNREACHABLE = re.compile(r'placement.*(unreachable|not reachable|cannot be reached)',
                         re.IGNORECASE)


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    with faults.deployed(tmp_path_factory, 'placement') as dep:
        yield dep


def test_boot_without_placement_fails_naming_placement_then_recovers(deployment, tmp_path):
    figures = faults.Figures(str(tmp_path / 'figures.json'), 'placement-unreachable',
                             servers=SERVERS, bound_s=BOUND,
                             deployment_start_s=deployment.start_seconds)
    recorder = faults.Recorder()
    try:
        deployment.kill('placement', signal.SIGTERM)
        started = time.monotonic()
        ids = faults.create_servers(deployment, SERVERS, 'noplacement', recorder)
        servers = faults.wait_settled(deployment, ids, BOUND)
        figures['seconds_to_fault'] = round(time.monotonic() - started, 1)
        figures['outcome'] = faults.outcome(servers)
        figures['faults'] = sorted(set(faults.error_faults(servers).values()), key=str)
        figures['api_codes'] = recorder.as_dict()

        messages = faults.error_faults(servers)
        assert set(messages) == set(ids), faults.outcome(servers)
        for server_id, message in messages.items():
            assert message and UNREACHABLE.search(message), (server_id, message)
            assert 'no valid host' not in message.lower(), (server_id, message)

        deployment.restart('placement')
        back = time.monotonic()
        placement = deployment.placement()
        faults.wait_for('Placement answers again', lambda: placement.providers(), 60)
        figures['placement_start_s'] = round(time.monotonic() - back, 1)
        faults.boot_one_active(deployment, 'after-placement')
        figures['seconds_to_recover'] = round(time.monotonic() - back, 1)
        faults.assert_all_daemons_alive(deployment, restarted=('placement',))

        api = faults.client(deployment)
        for server_id in ids:
            assert api.delete(f'/servers/{server_id}').status_code == 204
        faults.wait_settled(deployment, (), BOUND, gone=ids)
        faults.assert_consistent(deployment, figures)
        assert recorder.count(500) == 0, recorder.samples
    finally:
        figures.save()
