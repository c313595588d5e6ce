"""Separate daemons over RabbitMQ and MariaDB, as on several hosts.

Everything a run creates has a unique name (a RabbitMQ vhost, MariaDB
databases) and is removed at the end; every process started is stopped,
even when a test fails.

By default the deployment uses the machine's shared RabbitMQ and MariaDB.
A fault scenario passes private, restartable ones instead
(:mod:`nova.tests.integration.servers`). Each daemon's configuration is a
file and its command line is kept, so that a test can kill a daemon
(:meth:`Deployment.kill`) and start it again with the same configuration
(:meth:`Deployment.restart`).
"""

import atexit
import os
import signal
import subprocess
import sys
import time
import uuid

import pymysql
import requests

from nova.peers import glance as glance_peer
from nova.tests.functional import fixtures
from nova.tests.integration import launcher, servers

SHARED_MYSQL = servers.SharedMariaDB()
SHARED_RABBIT = servers.SharedRabbitMQ()
MYSQL = SHARED_MYSQL.params
CLEANUP_ERRORS = (OSError, RuntimeError, subprocess.SubprocessError, pymysql.Error)
DBS = ('api', 'cell0', 'cell1', 'placement')

# Daemons and Glance processes of every deployment not cleaned up yet,
# stopped at interpreter exit (an interrupted run).
_LIVE = set()
_GLANCES = set()


@atexit.register
def _kill_leftovers():
    for daemon in list(_LIVE):
        daemon.kill()
    for glance in list(_GLANCES):
        glance.stop()


def rabbitmqctl(*args):
    """rabbitmqctl of the shared RabbitMQ."""
    return SHARED_RABBIT.ctl(*args)


def mysql_url(db):
    return SHARED_MYSQL.url(db)


def mysql_execute(sql, db=None):
    """Run ``sql`` on the shared MariaDB."""
    return SHARED_MYSQL.execute(sql, db)


class Daemon:
    """One process, started again with the same command line by ``start``."""

    def __init__(self, name, argv, log_path, env=None):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.proc = None
        self.starts = 0
        self.start()

    def start(self):
        with open(self.log_path, 'ab') as log:
            log.write(f'\n==== start {self.starts + 1} of {self.name} ====\n'.encode())
            log.flush()
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=self.env)
        self.starts += 1
        _LIVE.add(self)

    def alive(self):
        return self.proc.poll() is None

    def log_tail(self, size=4000):
        with open(self.log_path, errors='replace') as f:
            return f.read()[-size:]

    def signal(self, sig):
        if self.alive():
            self.proc.send_signal(sig)

    def wait(self, timeout):
        """The exit code, or None if it still runs after ``timeout``."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout=30, signalled=False):
        """SIGTERM (unless ``signalled`` already), SIGKILL after ``timeout``."""
        if self.alive():
            if not signalled:
                self.proc.send_signal(signal.SIGTERM)
            if self.wait(timeout) is None:
                self.proc.kill()
                self.proc.wait(10)
        _LIVE.discard(self)
        return self.proc.returncode

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)
        _LIVE.discard(self)


class Deployment:
    """API, conductor, scheduler, computes, Placement and Glance.

    ``rabbit`` and ``mysql`` are the servers to use (the shared ones by
    default, or :class:`servers.PrivateRabbitMQ` / :class:`servers.
    PrivateMariaDB` already started by the caller); ``conf`` adds options
    to every daemon's file ({section: {option: value}}); ``fake_delays``
    slows the fake driver's operations down in every nova-compute
    ({operation: seconds}, see :mod:`launcher`). ``cell2_hosts`` adds a
    second cell with those computes, its own database (on
    ``cell2_mysql`` if given), its own RabbitMQ vhost and its own
    nova-conductor (``cell2-conductor``).
    """

    COMPUTE_HOSTS = ('it-compute-1', 'it-compute-2')
    CONTROL = ('conductor', 'scheduler', 'api')

    def __init__(self, workdir, rabbit=None, mysql=None, conf=None,
                 fake_delays=None, computes=None, cell2_hosts=(),
                 cell2_mysql=None):
        self.workdir = workdir
        self.rabbit = rabbit or SHARED_RABBIT
        self.mysql = mysql or SHARED_MYSQL
        self.extra_conf = conf or {}
        self.fake_delays = dict(fake_delays or {})
        self.cell2_hosts = tuple(cell2_hosts)
        self.compute_hosts = tuple(computes or self.COMPUTE_HOSTS) + \
            self.cell2_hosts
        self.run_id = 'nova_it_' + uuid.uuid4().hex[:10]
        self.vhost = self.run_id
        self.dbs = {name: f'{self.run_id}_{name}' for name in DBS}
        self.db_servers = dict.fromkeys(self.dbs, self.mysql)
        if self.cell2_hosts:
            self.dbs['cell2'] = f'{self.run_id}_cell2'
            self.db_servers['cell2'] = cell2_mysql or self.mysql
        self.api_port = fixtures.free_port()
        self.placement_port = fixtures.free_port()
        self.daemons = {}
        self.killed = set()
        self.glance = None
        self.image = None
        self.confs = {}
        self.start_seconds = None
        self._cleanups = []

    # Resources -------------------------------------------------------------

    @property
    def transport_url(self):
        return self.rabbit.transport_url(self.vhost)

    @property
    def cell2_transport_url(self):
        return self.rabbit.transport_url(self.vhost + '_cell2')

    @property
    def api_url(self):
        return f'http://127.0.0.1:{self.api_port}/v2.1'

    @property
    def placement_url(self):
        return f'http://127.0.0.1:{self.placement_port}'

    def db_url(self, name):
        """SQLAlchemy URL of this run's database ``name`` (api, cell1, ...)."""
        return self.db_servers[name].url(self.dbs[name])

    def execute(self, sql, name, args=None):
        """Run ``sql`` in this run's database ``name``; the rows."""
        return self.db_servers[name].execute(sql, self.dbs[name], args)

    def _create_vhost(self):
        vhosts = [self.vhost] + ([self.vhost + '_cell2'] if self.cell2_hosts else [])
        for vhost in vhosts:
            self.rabbit.ctl('add_vhost', vhost)
            if not self.rabbit.restartable:  # a private node goes away whole
                self._cleanups.append(lambda v=vhost: self.rabbit.ctl('delete_vhost', v))
            self.rabbit.ctl('set_permissions', '-p', vhost, self.rabbit.user,
                            '.*', '.*', '.*')

    def _create_databases(self):
        for name, db in self.dbs.items():
            server = self.db_servers[name]
            server.execute(f'CREATE DATABASE `{db}` CHARACTER SET utf8mb4')
            if not server.restartable:
                self._cleanups.append(
                    lambda db=db, server=server: server.execute(
                        f'DROP DATABASE IF EXISTS `{db}`'))

    # Configuration ---------------------------------------------------------

    def conf_sections(self, name, host, with_db=True):
        sections = {
            'DEFAULT': {
                'host': host,
                'transport_url': self.transport_url,
                'state_path': f'{self.workdir}/{name}',
                'compute_driver': 'fake.FakeDriver',
                'report_interval': 1,
                'service_down_time': 5,
                'periodic_fuzzy_delay': 0,
                'graceful_shutdown_timeout': 10,
                'debug': 'true',
            },
            # Quotas are not what these tests are about: leave room.
            'quota': {'instances': 200, 'cores': 400, 'ram': 200 * 1024},
            'api': {'auth_strategy': 'noauth2'},
            'wsgi': {'osapi_compute_listen': '127.0.0.1',
                     'osapi_compute_listen_port': self.api_port},
            'placement': {'endpoint_override': self.placement_url,
                          'auth_type': 'admin_token',
                          'endpoint': self.placement_url, 'token': 'admin'},
            'glance': {'endpoint_override': self.glance.url, 'auth_type': 'none',
                       'endpoint': self.glance.url},
            'oslo_concurrency': {'lock_path': f'{self.workdir}/{name}/locks'},
        }
        if with_db:
            sections['api_database'] = {'connection': self.db_url('api')}
            sections['database'] = {'connection': self.db_url('cell1')}
        if host in self.cell2_hosts or name == 'cell2-conductor':
            sections['DEFAULT']['transport_url'] = self.cell2_transport_url
            if with_db:
                sections['database'] = {'connection': self.db_url('cell2')}
        for section, options in self.extra_conf.items():
            sections.setdefault(section, {}).update(options)
        return sections

    def write_conf(self, name, host, with_db=True):
        lines = []
        for section, options in self.conf_sections(name, host, with_db).items():
            lines.append(f'[{section}]')
            lines += [f'{key} = {value}' for key, value in options.items()]
        os.makedirs(f'{self.workdir}/{name}/locks', exist_ok=True)
        path = os.path.join(self.workdir, f'{name}.conf')
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        return path

    def manage(self, *args, conf=None):
        proc = fixtures.run_command('manage', '--config-file',
                                    conf or self.confs['controller'], *args)
        if proc.returncode != 0:
            raise AssertionError(f'nova-manage {" ".join(args)} exited '
                                 f'{proc.returncode}:\n{proc.stdout}\n{proc.stderr}')
        return proc.stdout

    def status(self, *args):
        return fixtures.run_command('status', '--config-file',
                                    self.confs['controller'], *args)

    # Start-up --------------------------------------------------------------

    def _start(self, name, argv, env=None):
        self.daemons[name] = Daemon(name, argv, os.path.join(self.workdir, 'log', f'{name}.out'),
                                    env=env)
        return self.daemons[name]

    def _start_nova(self, name):
        """Start the nova daemon ``name`` (a binary, or a compute host)."""
        if name in self.compute_hosts:
            env = dict(os.environ)
            env[launcher.ENV] = ','.join(f'{op}={s}' for op, s in self.fake_delays.items())
            argv = [sys.executable, '-m', 'nova.tests.integration.launcher', 'compute',
                    '--config-file', self.confs[name]]
            return self._start(name, argv, env)
        if name == 'cell2-conductor':
            return self._start(name, fixtures.command(
                'conductor', '--config-file', self.confs[name]))
        return self._start(name, fixtures.command(name, '--config-file',
                                                  self.confs['controller']))

    def _wait(self, what, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [d for d in self.daemons.values() if not d.alive()
                    and d.name not in self.killed]
            if dead:
                raise AssertionError(f'{dead[0].name} exited while waiting for {what}:\n'
                                     + dead[0].log_tail())
            try:
                if predicate():
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f'timed out waiting for {what}')

    def _start_placement(self):
        self._start('placement', [sys.executable, '-m',
                                  'nova.tests.integration.placement_server',
                                  self.db_url('placement'), str(self.placement_port)])

    def start(self):
        started = time.monotonic()
        os.makedirs(os.path.join(self.workdir, 'log'), exist_ok=True)
        self._create_vhost()
        self._create_databases()
        self.glance = glance_peer.GlanceProcess(os.path.join(self.workdir, 'glance'), port=0)
        _GLANCES.add(self.glance)
        self.glance.start()
        self.image = glance_peer.upload_image(self.glance.url, 'tiny')
        self._start_placement()
        self.confs = {'controller': self.write_conf('controller', 'it-controller')}
        for host in self.compute_hosts:
            self.confs[host] = self.write_conf(host, host, with_db=False)
        self.manage('api_db', 'sync')
        self.manage('cell_v2', 'map_cell0', '--database_connection', self.db_url('cell0'))
        self.manage('cell_v2', 'create_cell', '--name', 'cell1',
                    '--database_connection', self.db_url('cell1'),
                    '--transport-url', self.transport_url)
        self.manage('db', 'sync')
        if self.cell2_hosts:
            self.confs['cell2-conductor'] = self.write_conf('cell2-conductor',
                                                            'it-cell2-conductor')
            self.manage('cell_v2', 'create_cell', '--name', 'cell2',
                        '--database_connection', self.db_url('cell2'),
                        '--transport-url', self.cell2_transport_url)
            self.manage('db', 'sync', conf=self.confs['cell2-conductor'])
            self._start_nova('cell2-conductor')
        for binary in self.CONTROL:
            self._start_nova(binary)
        for host in self.compute_hosts:
            self._start_nova(host)
        self._wait('Placement', lambda: requests.get(self.placement_url, timeout=2).ok)
        self._wait(f'{len(self.compute_hosts)} computes in Placement',
                   lambda: len(self.placement().providers()) == len(self.compute_hosts))
        self.manage('cell_v2', 'discover_hosts')
        self._wait('nova-api', lambda: requests.get(self.api_url, timeout=2).ok)
        # Operators create flavors through the API; nova-manage makes none.
        for flavor in ({'name': 'm1.tiny', 'id': '1', 'ram': 512, 'vcpus': 1, 'disk': 1},
                       {'name': 'm1.small', 'id': '2', 'ram': 1024, 'vcpus': 2, 'disk': 2}):
            resp = self.api().post('/flavors', json={'flavor': flavor})
            assert resp.status_code == 200, resp.text
        self.start_seconds = round(time.monotonic() - started, 1)

    def api(self):
        return fixtures.ComputeClient(self.api_url)

    def placement(self):
        return fixtures.PlacementClient(self.placement_url)

    # Faults ----------------------------------------------------------------

    def kill(self, name, sig=signal.SIGKILL, wait=30):
        """Send ``sig`` to daemon ``name`` and wait for it to exit; its code.

        The daemon is expected to be down from now on (see :meth:`restart`).
        """
        self.killed = set(self.killed) | {name}
        daemon = self.daemons[name]
        daemon.signal(sig)
        code = daemon.wait(wait)
        if code is None:
            raise AssertionError(f'{name} still runs {wait}s after signal {sig}:\n'
                                 + daemon.log_tail())
        _LIVE.discard(daemon)
        return code

    def signal_all(self, sig=signal.SIGTERM, wait=60):
        """Send ``sig`` to every daemon at once, then wait for each to
        exit; {name: exit code} (None: still running after ``wait``)."""
        names = [n for n, d in self.daemons.items() if d.alive()]
        self.killed = set(self.killed) | set(names)
        for name in names:
            self.daemons[name].signal(sig)
        deadline = time.monotonic() + wait
        codes = {}
        for name in names:
            codes[name] = self.daemons[name].wait(max(0.1, deadline - time.monotonic()))
            if codes[name] is not None:
                _LIVE.discard(self.daemons[name])
        return codes

    def restart(self, name, sig=signal.SIGTERM):
        """Stop daemon ``name`` (if it runs) and start it with the same
        command line and configuration file."""
        daemon = self.daemons[name]
        if daemon.alive():
            self.kill(name, sig)
        daemon.start()
        self.killed = set(self.killed) - {name}
        return daemon

    def wait_for_computes_up(self, timeout=60):
        """Wait until nova-api lists every compute service up."""
        def all_up():
            resp = self.api().get('/os-services?binary=nova-compute')
            if resp.status_code != 200:
                return False
            states = {s['host']: s['state'] for s in resp.json()['services']}
            return all(states.get(h) == 'up' for h in self.compute_hosts)
        self._wait('every compute up', all_up, timeout)

    # Shutdown --------------------------------------------------------------

    def stop_daemons(self, timeout=30):
        """Stop every daemon (SIGTERM, then SIGKILL); return {name: code}.

        Two waves, each stopped in parallel: the API and the computes
        first (a compute stopping still reaches nova-conductor), then
        the conductor, the scheduler and Placement."""
        last = ('conductor', 'cell2-conductor', 'scheduler', 'placement')
        waves = [[n for n in self.daemons if n not in last],
                 [n for n in self.daemons if n in last]]
        codes = {}
        for wave in waves:
            for name in wave:
                self.daemons[name].signal(signal.SIGTERM)
            for name in wave:
                codes[name] = self.daemons[name].stop(timeout, signalled=True)
        return codes

    def cleanup(self):
        errors = []
        try:
            self.stop_daemons()
        except CLEANUP_ERRORS as exc:  # keep cleaning up; report at the end
            errors.append(exc)
        for daemon in self.daemons.values():
            daemon.kill()
        if self.glance is not None:
            self.glance.stop()
            _GLANCES.discard(self.glance)
        for cleanup in reversed(self._cleanups):
            try:
                cleanup()
            except CLEANUP_ERRORS as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
