"""Fault scenario 4: MariaDB restarted under load.

The deployment's databases (API, cells, Placement) live on a MariaDB of
its own. Clients keep creating servers and keypairs and listing servers
while the server is stopped (SIGTERM), left down and started again on the
same data. While it is down the API answers 503 with a message, never
500; it recovers by itself (no daemon restarted); every write the API
acknowledged (a 202 server, a 200 keypair) is there afterwards; and the
deployment ends consistent (see ``faults.py``).
"""

import threading
import time

import pytest
import requests

from nova.tests.integration import faults

DOWN_FOR = 8        # seconds the database stays down
LOAD_BEFORE = 3     # seconds of load before the restart
RECOVER = 60        # seconds the API may take to answer 200 again
BOUND = 180         # seconds, from the database being back to all settled


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    with faults.deployed(tmp_path_factory, 'mariadb', private_mysql=True,
                         fake_delays={'spawn': 1}) as dep:
        yield dep


class Load:
    """Three clients in a loop until stopped: create servers, create
    keypairs, list servers. Keeps what the API acknowledged and counts
    every answer (per phase: 'up' or 'down')."""

    def __init__(self, deployment):
        self.deployment = deployment
        self.stop = threading.Event()
        self.phase = 'up'
        self.recorders = {'up': faults.Recorder(), 'down': faults.Recorder()}
        self.servers, self.keypairs = [], []
        self.bad = []     # (phase, what, status, body) of every unexpected answer
        self.threads = [threading.Thread(target=self._loop, args=(fn,), daemon=True)
                        for fn in (self._server, self._keypair, self._list)]

    def _record(self, what, resp, ok):
        phase = self.phase
        self.recorders[phase].response(resp)
        if resp.status_code not in ok + (503,):
            self.bad.append((phase, what, resp.status_code, resp.text[:300]))
        elif resp.status_code == 503:
            try:
                message = next(iter(resp.json().values()))['message']
            except (ValueError, KeyError, StopIteration, TypeError, AttributeError):
                message = None
            if not message:
                self.bad.append((phase, what, 503, resp.text[:300]))
        return resp.status_code in ok

    def _server(self, api, i):
        resp = api.post('/servers', json={'server': {
            'name': f'db-{i}', 'imageRef': self.deployment.image['id'],
            'flavorRef': '1', 'networks': 'none'}})
        if self._record('create server', resp, (202,)):
            self.servers.append(resp.json()['server']['id'])

    def _keypair(self, api, i):
        name = f'kp-{i}'
        resp = api.post('/os-keypairs', json={'keypair': {'name': name}})
        if self._record('create keypair', resp, (200, 201)):
            self.keypairs.append(name)

    def _list(self, api, i):
        self._record('list servers', api.get('/servers/detail'), (200,))

    def _loop(self, fn):
        api = faults.client(self.deployment)
        i = 0
        while not self.stop.is_set():
            i += 1
            try:
                fn(api, f'{fn.__name__[1:]}-{i}')
            except requests.ConnectionError:
                self.recorders[self.phase].record('refused')
            except requests.Timeout:
                self.recorders[self.phase].record('timeout')
            time.sleep(0.3)

    def start(self):
        for thread in self.threads:
            thread.start()

    def join(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


def test_mariadb_restart_under_load(deployment, tmp_path):
    mysql = deployment.private['mysql']
    figures = faults.Figures(str(tmp_path / 'figures.json'), 'mariadb-restart',
                             bound_s=BOUND, down_for_s=DOWN_FOR,
                             deployment_start_s=deployment.start_seconds)
    api = faults.client(deployment)
    load = Load(deployment)
    try:
        load.start()
        time.sleep(LOAD_BEFORE)
        load.phase = 'down'
        mysql.stop()
        time.sleep(DOWN_FOR)
        mysql.start()
        back = time.monotonic()
        figures['mariadb_start_s'] = mysql.start_seconds
        figures['api_recovered_s'] = faults.wait_for(
            'the API lists servers again',
            lambda: api.get('/servers/detail').status_code == 200, RECOVER)
        load.phase = 'up'
        time.sleep(LOAD_BEFORE)
        load.join()
        figures['api_codes_while_down'] = load.recorders['down'].as_dict()
        figures['api_codes_while_up'] = load.recorders['up'].as_dict()
        figures['acknowledged'] = {'servers': len(load.servers),
                                   'keypairs': len(load.keypairs)}
        figures['unexpected_answers'] = load.bad[:10]

        assert load.recorders['down'].count(503) > 0, figures['api_codes_while_down']
        assert load.bad == [], load.bad
        for phase in ('up', 'down'):
            assert load.recorders[phase].count('refused') == 0, phase
            assert load.recorders[phase].count('timeout') == 0, phase

        servers = faults.wait_settled(deployment, load.servers, BOUND)
        figures['settled_after_db_back_s'] = round(time.monotonic() - back, 1)
        figures['outcome'] = faults.outcome(servers)
        figures['faults'] = sorted({str(m) for m in faults.error_faults(servers).values()})
        assert all(faults.error_faults(servers).values()), faults.error_faults(servers)
        resp = api.get('/os-keypairs')
        assert resp.status_code == 200, resp.text
        stored = {k['keypair']['name'] for k in resp.json()['keypairs']}
        lost = sorted(set(load.keypairs) - stored)
        figures['lost'] = {'keypairs': lost}
        assert lost == []

        faults.assert_all_daemons_alive(deployment)
        faults.boot_one_active(deployment, 'after-mariadb')
        faults.assert_consistent(deployment, figures)
    finally:
        load.join()
        figures.save()
