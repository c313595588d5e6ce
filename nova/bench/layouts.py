"""Where the service runs during a bench: the two layouts.

``all-in-one``: one child process runs nova-all (``nova.bench.allinone``)
with H fake hosts, SQLite and the ``fake://`` bus.
``daemons``: nova-api, nova-conductor, nova-scheduler, one process with
the H fake hosts (``nova.bench.computes``) and Placement, each its own
process, over a private RabbitMQ vhost and MariaDB databases
(:class:`nova.tests.integration.deployment.Deployment` makes and removes
them).

Every daemon runs under :mod:`nova.bench.probe`, whose counters
:meth:`probes` reads. ``stop()`` stops every process a layout started and
removes what it created, also after a failed start.
"""

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import requests

from nova.bench import allinone
from nova.tests.functional import fixtures
from nova.tests.integration import deployment as deployment_mod

ALL_HOPS = 'api,conductor,scheduler,compute'
# The hop timers of each daemon of the daemons layout.
HOPS = {'api': 'api', 'conductor': 'conductor', 'scheduler': 'scheduler',
        'computes': 'compute'}


def probed(argv, out, hops=''):
    """``argv`` (``python ARGS...``) run under the probe writing ``out``."""
    head = [argv[0], '-m', 'nova.bench.probe', out]
    if hops:
        head += ['--hops', hops]
    return head + ['--', *argv[1:]]


def read_probe(path, after_seq=None, timeout=10):
    """The probe's JSON at ``path``; with ``after_seq``, wait for a newer one."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path) as f:
                data = json.load(f)
            if after_seq is None or data['seq'] > after_seq:
                return data
        except (OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f'the probe did not write {path} within {timeout}s')
        time.sleep(0.05)


class _Probed:
    """Snapshots of the probes of named processes."""

    def probe_paths(self):
        raise NotImplementedError

    def pids(self):
        raise NotImplementedError

    def probes(self):
        """{daemon: counters} fresh from each probe (SIGUSR1, then read)."""
        paths = self.probe_paths()
        pids = self.pids()
        seqs = {}
        for name, path in paths.items():
            seqs[name] = read_probe(path)['seq']
            os.kill(pids[name], signal.SIGUSR1)
        return {name: read_probe(path, seqs[name]) for name, path in paths.items()}


class AllInOne(_Probed):
    name = 'all-in-one'

    def __init__(self, workdir, hosts, conf=None):
        self.workdir = os.path.abspath(workdir)
        self.hosts = hosts
        self.conf = conf or {}
        self.proc = None
        self.api_url = None
        self.image_id = None
        self.placement_url = None
        self.db = 'sqlite'

    def probe_paths(self):
        return {'nova-all': os.path.join(self.workdir, 'probe-nova-all.json')}

    def pids(self):
        return {'nova-all': self.proc.pid}

    def start(self, timeout=180):
        os.makedirs(self.workdir, exist_ok=True)
        ready = os.path.join(self.workdir, 'ready.json')
        endpoints = fixtures.free_endpoints()
        argv = [sys.executable, '-m', 'nova.bench.allinone',
                '--state-path', os.path.join(self.workdir, 'state'),
                '--hosts', str(self.hosts), '--ready', ready,
                '--api-port', str(endpoints.api_port),
                '--placement-port', str(endpoints.placement_port),
                '--glance-port', str(endpoints.glance_port),
                '--conf-json', json.dumps(self.conf)]
        self.log_path = os.path.join(self.workdir, 'nova-all.out')
        with open(self.log_path, 'ab') as log:
            self.proc = subprocess.Popen(
                probed(argv, self.probe_paths()['nova-all'], ALL_HOPS),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not os.path.exists(ready):
            if self.proc.poll() is not None:
                raise RuntimeError(f'nova-all exited ({self.proc.returncode}) while '
                                   f'starting; see {self.log_path}:\n{_tail(self.log_path)}')
            if time.monotonic() > deadline:
                raise RuntimeError(f'nova-all did not start within {timeout}s; '
                                   f'see {self.log_path}')
            time.sleep(0.2)
        with open(ready) as f:
            info = json.load(f)
        self.api_url = info['api_url']
        self.placement_url = info['placement_url']
        self.image_id = info['image']['id']

    def stop(self):
        children = _children(self.proc.pid) if self.proc is not None else []
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        # Glance is nova-all's child; a nova-all that was killed left it.
        for child in children:
            try:
                child.kill()
            except psutil.Error:
                pass

    def db_server_questions(self):
        return None


class Daemons(deployment_mod.Deployment, _Probed):
    """The integration tests' deployment, with H hosts in one process."""

    name = 'daemons'
    COMPUTE_HOSTS = ()

    def __init__(self, workdir, hosts, conf=None):
        super().__init__(os.path.abspath(workdir))
        self.hosts = hosts
        self.conf = conf or {}
        self.run_id = 'nova_bench_' + self.run_id.split('_')[-1]
        self.vhost = self.run_id
        self.dbs = {name: f'{self.run_id}_{name}' for name in deployment_mod.DBS}
        self.db = 'mariadb'

    @property
    def image_id(self):
        return self.image['id']

    def probe_paths(self):
        return {name: os.path.join(self.workdir, 'probe', f'{name}.json')
                for name in self.daemons}

    def pids(self):
        return {name: d.proc.pid for name, d in self.daemons.items()}

    def write_conf(self, name, host, with_db=True):
        path = super().write_conf(name, host, with_db)
        # oslo.config keeps the last value of a repeated option.
        lines = []
        for section, options in allinone.bench_conf(None, self.conf).items():
            lines.append(f'[{section}]')
            lines += [f'{k} = {v}' for k, v in options.items()]
        with open(path, 'a') as f:
            f.write('\n'.join(lines) + '\n')
        return path

    def _start(self, name, argv):
        os.makedirs(os.path.join(self.workdir, 'probe'), exist_ok=True)
        out = os.path.join(self.workdir, 'probe', f'{name}.json')
        return super()._start(name, probed(argv, out, HOPS.get(name, '')))

    def start(self, timeout=180):
        os.makedirs(os.path.join(self.workdir, 'log'), exist_ok=True)
        self._create_vhost()
        self._create_databases()
        self.glance = deployment_mod.glance_peer.GlanceProcess(
            os.path.join(self.workdir, 'glance'), port=0)
        self.glance.start()
        self.image = deployment_mod.glance_peer.upload_image(self.glance.url, 'tiny')
        self._start('placement', [sys.executable, '-m',
                                  'nova.tests.integration.placement_server',
                                  deployment_mod.mysql_url(self.dbs['placement']),
                                  str(self.placement_port)])
        self.confs = {'controller': self.write_conf('controller', 'bench-controller'),
                      'computes': self.write_conf('computes', 'bench-computes',
                                                  with_db=False)}
        self.manage('api_db', 'sync')
        self.manage('cell_v2', 'map_cell0', '--database_connection',
                    deployment_mod.mysql_url(self.dbs['cell0']))
        self.manage('cell_v2', 'create_cell', '--name', 'cell1',
                    '--database_connection', deployment_mod.mysql_url(self.dbs['cell1']),
                    '--transport-url', self.transport_url)
        self.manage('db', 'sync')
        for binary in ('conductor', 'scheduler', 'api'):
            self._start(binary, fixtures.command(binary, '--config-file',
                                                 self.confs['controller']))
        self._start('computes', [sys.executable, '-m', 'nova.bench.computes',
                                 '--hosts', str(self.hosts),
                                 '--config-file', self.confs['computes']])
        self._wait('Placement', lambda: requests.get(self.placement_url, timeout=2).ok)
        self._wait(f'{self.hosts} computes in Placement',
                   lambda: len(self.placement().providers()) == self.hosts, timeout)
        self.manage('cell_v2', 'discover_hosts')
        self._wait('nova-api', lambda: requests.get(self.api_url, timeout=2).ok)
        resp = self.api().post('/flavors', json={'flavor': {
            'name': 'm1.tiny', 'id': '1', 'ram': 512, 'vcpus': 1, 'disk': 1}})
        if resp.status_code != 200:
            raise RuntimeError(f'creating flavor m1.tiny: {resp.status_code} {resp.text}')

    def stop(self):
        self.cleanup()

    def db_server_questions(self):
        """MariaDB's ``Questions`` counter: every statement the whole
        server ran, the bench's databases' and anyone else's."""
        rows = deployment_mod.mysql_execute("SHOW GLOBAL STATUS LIKE 'Questions'")
        return int(rows[0][1])


LAYOUTS = {'all-in-one': AllInOne, 'daemons': Daemons}


def _tail(path, size=3000):
    try:
        with open(path, errors='replace') as f:
            return f.read()[-size:]
    except OSError:
        return ''


def _children(pid):
    """The processes started by ``pid`` (e.g. nova-all's Glance)."""
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
