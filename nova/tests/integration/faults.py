"""What every fault scenario checks at the end, and the figures it keeps.

After a fault and the recovery, the deployment must be consistent again,
seen from the API, the databases and Placement:

* every server ACTIVE, or ERROR with a fault that says why, within the
  scenario's bound; none in BUILD, none with a task_state left set;
* no build request left; every instance mapping points at the cell that
  holds the instance, and none points at nothing;
* Placement holds, for every live instance on a host, exactly its
  flavor on that host's provider, and nothing for anything else (no
  consumer left by a deleted server, a migration or a failed build);
* no migration left in a non-final status.

:class:`Figures` records what a scenario measured (JSON in the test's tmp
dir, printed) for ``doc/source/contributor/faults.rst``.
"""

import collections
import concurrent.futures
import contextlib
import json
import os
import threading
import time

import requests

from nova.tests.functional import fixtures
from nova.tests.integration import deployment as deployment_mod
from nova.tests.integration import servers as servers_mod

SETTLED = ('ACTIVE', 'ERROR')
FINAL_MIGRATION = ('confirmed', 'reverted', 'error', 'failed', 'completed', 'done',
                   'cancelled')
CELL0_UUID = '00000000-0000-0000-0000-000000000000'
RESOURCES = {'VCPU': 'vcpus', 'MEMORY_MB': 'memory_mb', 'DISK_GB': 'root_gb'}


# Deadlines of the fault scenarios: short, so that a lost request is ended
# within the scenario's bound (nova/conf/deadlines.py, oslo.messaging). An
# RPC call times out well before task_state_timeout, as with the defaults
# (60 s and 1800 s): the conductor then ends a request itself, before the
# stalled-task reaper takes it for lost.
TASK_STATE_TIMEOUT = 30
FAULT_CONF = {
    'DEFAULT': {'task_state_timeout': TASK_STATE_TIMEOUT,
                'task_state_poll_interval': 3,
                'rpc_response_timeout': 15},
    'oslo_messaging_rabbit': {'rabbit_retry_backoff': 1, 'rabbit_interval_max': 2},
    # Scheduling retries for passing failures end well inside the bounds.
    'conductor': {'schedule_retry_timeout': 45},
}


@contextlib.contextmanager
def deployed(tmp_path_factory, name, private_rabbit=False, private_mysql=False,
             conf=None, **kw):
    """A started deployment for scenario ``name`` (private, restartable
    RabbitMQ / MariaDB if asked), stopped and removed on exit whatever
    happens. Yields (deployment, {'rabbit': server, 'mysql': server})."""
    workdir = str(tmp_path_factory.mktemp(f'faults-{name}'))
    private = {}
    merged = {section: dict(options) for section, options in FAULT_CONF.items()}
    for section, options in (conf or {}).items():
        merged.setdefault(section, {}).update(options)
    dep = None
    try:
        if private_rabbit:
            private['rabbit'] = servers_mod.PrivateRabbitMQ(
                os.path.join(workdir, 'rabbitmq')).start()
        if private_mysql:
            private['mysql'] = servers_mod.PrivateMariaDB(
                os.path.join(workdir, 'mariadb')).start()
        dep = deployment_mod.Deployment(workdir, rabbit=private.get('rabbit'),
                                        mysql=private.get('mysql'), conf=merged, **kw)
        dep.private = private
        dep.start()
        yield dep
    finally:
        try:
            if dep is not None:
                dep.cleanup()
        finally:
            for server in private.values():
                server.remove()


class Figures(dict):
    """A scenario's figures, written as JSON to ``path``."""

    def __init__(self, path, scenario, **initial):
        super().__init__(scenario=scenario, **initial)
        self.path = path

    def save(self):
        with open(self.path, 'w') as f:
            json.dump(self, f, indent=2, sort_keys=True)
        print(f'\nfigures of {self["scenario"]} ({self.path}):\n'
              + json.dumps(self, indent=2, sort_keys=True))


class Recorder:
    """Counts the HTTP outcomes seen by a load (thread safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes = collections.Counter()
        self.samples = {}    # status code -> one body seen with it

    def record(self, what):
        with self.lock:
            self.codes[what] += 1

    def response(self, resp):
        self.record(resp.status_code)
        with self.lock:
            self.samples.setdefault(resp.status_code, resp.text[:300])
        return resp

    def count(self, what):
        with self.lock:
            return self.codes[what]

    def as_dict(self):
        with self.lock:
            return {str(k): v for k, v in sorted(self.codes.items(), key=str)}


def client(deployment):
    return fixtures.ComputeClient(deployment.api_url)


def create_server(api, name, image_id, recorder, flavor='1', retry_for=120):
    """POST a server until the API accepts it (202); the server id.

    A 503 or a refused connection is retried (what a client does) for
    ``retry_for`` seconds; any other answer fails the test.
    """
    body = {'server': {'name': name, 'imageRef': image_id, 'flavorRef': flavor,
                       'networks': 'none'}}
    deadline = time.monotonic() + retry_for
    while True:
        try:
            resp = recorder.response(api.post('/servers', json=body))
        except requests.ConnectionError:
            recorder.record('refused')
            resp = None
        if resp is not None and resp.status_code == 202:
            return resp.json()['server']['id']
        if resp is not None and resp.status_code != 503:
            raise AssertionError(f'POST /servers answered {resp.status_code}: {resp.text}')
        if time.monotonic() > deadline:
            raise AssertionError(f'POST /servers not accepted within {retry_for}s')
        time.sleep(0.5)


def create_servers(deployment, count, prefix, recorder, workers=8, flavor='1',
                   on_accepted=None):
    """``count`` servers created by ``workers`` parallel clients; their ids
    in the order accepted. ``on_accepted(n)`` is called after each 202."""
    ids = []
    lock = threading.Lock()

    def one(i):
        server_id = create_server(client(deployment), f'{prefix}-{i}',
                                  deployment.image['id'], recorder, flavor)
        with lock:
            ids.append(server_id)
            n = len(ids)
        if on_accepted:
            on_accepted(n)

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(one, i) for i in range(count)]:
            future.result()
    return ids


def list_servers(api):
    """{id: server} of every server the API lists (detail)."""
    resp = api.get('/servers/detail?limit=1000')
    assert resp.status_code == 200, resp.text
    return {s['id']: s for s in resp.json()['servers']}


def _settled(server, statuses=SETTLED):
    return server['status'] in statuses and not server.get('OS-EXT-STS:task_state')


def wait_settled(deployment, ids, bound, gone=(), statuses=SETTLED):
    """Wait up to ``bound`` seconds for every server of ``ids`` to be in
    one of ``statuses`` (ACTIVE or ERROR) with no task_state and every one
    of ``gone`` to be deleted; {id: server}. Fails naming those that were
    not."""
    api = client(deployment)
    deadline = time.monotonic() + bound
    ids, gone = set(ids), set(gone)
    while True:
        try:
            servers = list_servers(api)
        except (AssertionError, requests.RequestException):
            servers = None   # the API is not back yet: keep waiting
        if servers is not None:
            missing = ids - set(servers)
            pending = {i: servers[i] for i in ids & set(servers)
                       if not _settled(servers[i], statuses)}
            lingering = {i: servers[i] for i in gone & set(servers)}
            if not missing and not pending and not lingering:
                return {i: servers[i] for i in ids}
        if time.monotonic() > deadline:
            if servers is None:
                raise AssertionError(f'the API did not list servers within {bound}s')
            raise AssertionError(
                f'not settled within {bound}s: missing (acknowledged but not listed) '
                f'{sorted(missing)}; pending '
                f'{ {i: _state(s) for i, s in pending.items()} }; not deleted '
                f'{ {i: _state(s) for i, s in lingering.items()} }')
        time.sleep(1)


def _state(server):
    return (server['status'], server.get('OS-EXT-STS:vm_state'),
            server.get('OS-EXT-STS:task_state'), server.get('OS-EXT-SRV-ATTR:host'))


def outcome(servers):
    """{'ACTIVE': n, 'ERROR': n} of a {id: server} dict."""
    return dict(collections.Counter(s['status'] for s in servers.values()))


def error_faults(servers):
    """{id: fault message} of the servers in ERROR."""
    return {i: (s.get('fault') or {}).get('message') for i, s in servers.items()
            if s['status'] == 'ERROR'}


# End state -----------------------------------------------------------------


def _rows(deployment, sql, db):
    return deployment.execute(sql, db)


def _live_instances(deployment):
    """{uuid: row} of the instances not deleted, in cell0 and cell1."""
    live = {}
    for cell in ('cell0', 'cell1'):
        for row in _rows(deployment,
                         'SELECT i.uuid, i.vm_state, i.task_state, i.host, i.vcpus, '
                         'i.memory_mb, i.root_gb FROM instances i WHERE i.deleted = 0',
                         cell):
            live[row[0]] = dict(zip(('uuid', 'vm_state', 'task_state', 'host', 'vcpus',
                                     'memory_mb', 'root_gb'), row), cell=cell)
    return live


def problems(deployment):
    """Every inconsistency of the deployment's end state, as text lines
    (empty when consistent)."""
    found = []
    api = client(deployment)
    servers = list_servers(api)
    for sid, server in servers.items():
        if not _settled(server):
            found.append(f'server {sid} not settled: {_state(server)}')
        if server['status'] == 'ERROR' and not (server.get('fault') or {}).get('message'):
            found.append(f'server {sid} in ERROR without a fault')

    live = _live_instances(deployment)
    for uuid, inst in live.items():
        if inst['task_state'] is not None or inst['vm_state'] == 'building':
            found.append(f'instance {uuid} left in {inst["vm_state"]}/{inst["task_state"]}')
    if set(servers) != set(live):
        found.append(f'API lists {sorted(set(servers) - set(live))} that no cell holds; '
                     f'cells hold {sorted(set(live) - set(servers))} that the API '
                     f'does not list')

    build_requests = _rows(deployment, 'SELECT instance_uuid FROM build_requests', 'api')
    if build_requests:
        found.append(f'build requests left: {[r[0] for r in build_requests]}')

    cells = {row[0]: row[1] for row in _rows(
        deployment, 'SELECT id, uuid FROM cell_mappings', 'api')}
    cell_names = {uuid: ('cell0' if uuid == CELL0_UUID else 'cell1')
                  for uuid in cells.values()}
    mappings = _rows(deployment, 'SELECT instance_uuid, cell_id, queued_for_delete '
                                 'FROM instance_mappings', 'api')
    mapped = {}
    for uuid, cell_id, queued in mappings:
        if cell_id is None:
            found.append(f'instance mapping {uuid} points at no cell')
            continue
        mapped[uuid] = cell_names[cells[cell_id]]
        if not queued and uuid not in live:
            found.append(f'instance mapping {uuid} points at no live instance')
    for uuid, inst in live.items():
        if mapped.get(uuid) != inst['cell']:
            found.append(f'instance {uuid} in {inst["cell"]} mapped to {mapped.get(uuid)}')

    migrations = _rows(deployment, 'SELECT uuid, instance_uuid, status FROM migrations '
                                    'WHERE deleted = 0', 'cell1')
    for uuid, instance_uuid, status in migrations:
        if status not in FINAL_MIGRATION:
            found.append(f'migration {uuid} of {instance_uuid} left {status}')

    found += allocation_problems(deployment, live)
    return found


def allocation_problems(deployment, live=None):
    """Placement against the live instances: an ACTIVE (non-ERROR)
    instance on a host holds exactly its flavor on that host's provider;
    an instance in ERROR holds that or nothing; nothing else holds
    anything."""
    live = _live_instances(deployment) if live is None else live
    placement = deployment.placement()
    found = []
    providers = {p['uuid']: p['name'] for p in placement.providers()}
    held = collections.defaultdict(dict)   # consumer -> {provider name: resources}
    for rp_uuid, name in providers.items():
        resp = placement.session.get(
            f'{placement.url}/resource_providers/{rp_uuid}/allocations', timeout=10)
        assert resp.status_code == 200, resp.text
        for consumer, alloc in resp.json()['allocations'].items():
            held[consumer][name] = alloc['resources']
    for consumer, alloc in held.items():
        inst = live.get(consumer)
        if inst is None:
            found.append(f'Placement consumer {consumer} is no live instance: {alloc}')
            continue
        flavor = {rc: inst[field] for rc, field in RESOURCES.items() if inst[field]}
        if alloc != {inst['host']: flavor}:
            found.append(f'instance {consumer} on {inst["host"]} ({inst["vm_state"]}) '
                         f'holds {alloc}, expected {flavor} on {inst["host"]}')
    for uuid, inst in live.items():
        if uuid not in held and inst['host'] and inst['vm_state'] != 'error':
            found.append(f'instance {uuid} ({inst["vm_state"]}) on {inst["host"]} '
                         f'holds nothing in Placement')
    return found


# Seconds the cleanup periodic tasks get to end what a fault left
# (task_state_timeout, two polls, and room for a slow machine).
CLEANUP_BOUND = TASK_STATE_TIMEOUT + 40


def assert_consistent(deployment, figures, bound=CLEANUP_BOUND):
    """Wait up to ``bound`` seconds (the cleanup periodic tasks) for the
    end state to have no problem; fails listing them. Records the wait
    and the problems in ``figures``."""
    started = time.monotonic()
    while True:
        found = problems(deployment)
        if not found or time.monotonic() - started > bound:
            break
        time.sleep(2)
    figures['consistent_after_s'] = round(time.monotonic() - started, 1)
    figures['problems'] = found
    assert found == [], f'still inconsistent after {bound}s:\n' + '\n'.join(found)


def assert_all_daemons_alive(deployment, restarted=()):
    """No daemon died, and none but ``restarted`` was started twice."""
    dead = {n: d.log_tail(1500) for n, d in deployment.daemons.items() if not d.alive()}
    assert dead == {}, dead
    starts = {n: d.starts for n, d in deployment.daemons.items() if n not in restarted}
    assert set(starts.values()) == {1}, starts


def wait_for(what, predicate, timeout, interval=0.5):
    """Seconds it took ``predicate()`` to hold; fails after ``timeout``."""
    started = time.monotonic()
    while True:
        try:
            if predicate():
                return round(time.monotonic() - started, 1)
        except requests.RequestException:
            pass
        if time.monotonic() - started > timeout:
            raise AssertionError(f'{what}: not within {timeout}s')
        time.sleep(interval)


def boot_one_active(deployment, name, timeout=90, computes_up=60):
    """Once nova-api reports every compute up again (their heartbeats go
    through the bus and nova-conductor: a fault on either makes them look
    down for a while), boot one server and wait for ACTIVE: the deployment
    works again."""
    deployment.wait_for_computes_up(computes_up)
    api = client(deployment)
    server_id = create_server(api, name, deployment.image['id'], Recorder())
    server = api.wait_for_server(server_id, SETTLED, timeout=timeout)
    assert server['status'] == 'ACTIVE', server.get('fault')
    return server_id
