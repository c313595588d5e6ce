"""Fault scenario 2: nova-compute killed (SIGKILL) during builds, resizes
and deletes, then started again.

The fake driver takes seconds per spawn, disk migration, finish and
destroy, so that when both computes are killed builds, resizes and
deletes are in flight. After both start again (same configuration),
within the bound: every server is ACTIVE (or VERIFY_RESIZE, then
confirmed), or ERROR with a fault; every acknowledged delete happened;
and the deployment is consistent, Placement's allocations equal to the
flavors of the live instances (see ``faults.py``).
"""

import time

import pytest

from nova.tests.integration import faults

BEFORE = 8          # ACTIVE servers before the kill: half resized, half deleted
BUILDS = 8          # servers created just before the kill
BOUND = 180         # seconds, from the restart to all settled
IN_FLIGHT_WAIT = 30
DELAYS = {'spawn': 4, 'migrate_disk_and_power_off': 4, 'finish_migration': 4,
          'destroy': 4}


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    with faults.deployed(tmp_path_factory, 'compute-kill', fake_delays=DELAYS) as dep:
        yield dep


def _in_flight(api, ids):
    servers = faults.list_servers(api)
    return {sid: servers[sid].get('OS-EXT-STS:task_state') for sid in ids
            if sid in servers and servers[sid].get('OS-EXT-STS:task_state')}


def test_computes_killed_during_builds_resizes_and_deletes(deployment, tmp_path):
    api = faults.client(deployment)
    figures = faults.Figures(str(tmp_path / 'figures.json'), 'compute-sigkill',
                             bound_s=BOUND, deployment_start_s=deployment.start_seconds)
    recorder = faults.Recorder()
    try:
        first = faults.create_servers(deployment, BEFORE, 'before', recorder)
        faults.wait_settled(deployment, first, 120)
        resized, deleted = first[:BEFORE // 2], first[BEFORE // 2:]

        builds = faults.create_servers(deployment, BUILDS, 'during', recorder)
        for sid in resized:
            resp = recorder.response(api.post(f'/servers/{sid}/action',
                                              json={'resize': {'flavorRef': '2'}}))
            assert resp.status_code == 202, resp.text
        for sid in deleted:
            resp = recorder.response(api.delete(f'/servers/{sid}'))
            assert resp.status_code == 204, resp.text
        # Kill once every kind of operation is under way on the computes.
        deadline = time.monotonic() + IN_FLIGHT_WAIT
        while True:
            states = _in_flight(api, first + builds)
            kinds = {s.split('_')[0] for s in states.values()}
            if {'spawning', 'deleting'} <= kinds and kinds & {'resize'}:
                break
            assert time.monotonic() < deadline, f'operations never in flight: {states}'
            time.sleep(0.2)
        figures['task_states_at_kill'] = sorted(states.values())
        for host in deployment.compute_hosts:
            deployment.kill(host)   # SIGKILL
        time.sleep(2)
        restarted = time.monotonic()
        for host in deployment.compute_hosts:
            deployment.restart(host)

        servers = faults.wait_settled(deployment, builds + resized, BOUND, gone=deleted,
                                      statuses=faults.SETTLED + ('VERIFY_RESIZE',))
        figures['settled_after_restart_s'] = round(time.monotonic() - restarted, 1)
        to_confirm = [sid for sid, s in servers.items() if s['status'] == 'VERIFY_RESIZE']
        for sid in to_confirm:
            resp = recorder.response(api.post(f'/servers/{sid}/action',
                                              json={'confirmResize': None}))
            assert resp.status_code == 204, resp.text
        servers = faults.wait_settled(deployment, builds + resized, BOUND, gone=deleted)
        figures['outcome'] = faults.outcome(servers)
        figures['resized_to_new_flavor'] = sum(
            1 for sid in resized if servers[sid]['flavor'].get('original_name') == 'm1.small')
        figures['confirmed_after_restart'] = len(to_confirm)
        figures['faults'] = sorted({str(m) for m in faults.error_faults(servers).values()})
        figures['api_codes'] = recorder.as_dict()

        assert all(faults.error_faults(servers).values()), faults.error_faults(servers)
        faults.assert_all_daemons_alive(deployment, restarted=deployment.compute_hosts)
        faults.assert_consistent(deployment, figures)
        assert recorder.count(500) == 0, recorder.samples
    finally:
        figures.save()
