"""Separate daemons over RabbitMQ and MariaDB, as on several hosts.

Everything a run creates has a unique name (a RabbitMQ vhost, MariaDB
databases) and is removed at the end; every process started is stopped,
even when a test fails.
"""

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

MYSQL = {'host': os.environ.get('NOVA_TEST_MYSQL_HOST', '127.0.0.1'),
         'user': os.environ.get('NOVA_TEST_MYSQL_USER', 'root'),
         'password': os.environ.get('NOVA_TEST_MYSQL_PASSWORD', '')}
CLEANUP_ERRORS = (OSError, RuntimeError, subprocess.SubprocessError, pymysql.Error)
RABBIT = os.environ.get('NOVA_TEST_RABBIT', 'guest:guest@127.0.0.1:5672')
DBS = ('api', 'cell0', 'cell1', 'placement')


def rabbitmqctl(*args):
    proc = subprocess.run(['rabbitmqctl', '-q', *args], capture_output=True,
                          text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f'rabbitmqctl {" ".join(args)}: {proc.stderr or proc.stdout}')
    return proc.stdout


def mysql_url(db):
    auth = MYSQL['user'] + (':' + MYSQL['password'] if MYSQL['password'] else '')
    return f"mysql+pymysql://{auth}@{MYSQL['host']}/{db}?charset=utf8mb4"


def mysql_execute(sql, db=None):
    conn = pymysql.connect(database=db, autocommit=True, **MYSQL)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


class Daemon:
    def __init__(self, name, argv, log_path):
        self.name = name
        self.log_path = log_path
        with open(log_path, 'ab') as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)

    def alive(self):
        return self.proc.poll() is None

    def log_tail(self, size=4000):
        with open(self.log_path, errors='replace') as f:
            return f.read()[-size:]

    def stop(self, timeout=30):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)


class Deployment:
    """API, conductor, scheduler, two computes, Placement and Glance."""

    COMPUTE_HOSTS = ('it-compute-1', 'it-compute-2')

    def __init__(self, workdir):
        self.workdir = workdir
        self.run_id = 'nova_it_' + uuid.uuid4().hex[:10]
        self.vhost = self.run_id
        self.dbs = {name: f'{self.run_id}_{name}' for name in DBS}
        self.api_port = fixtures.free_port()
        self.placement_port = fixtures.free_port()
        self.daemons = {}
        self.glance = None
        self.image = None
        self._cleanups = []

    # Resources -------------------------------------------------------------

    @property
    def transport_url(self):
        return f'rabbit://{RABBIT}/{self.vhost}'

    @property
    def api_url(self):
        return f'http://127.0.0.1:{self.api_port}/v2.1'

    @property
    def placement_url(self):
        return f'http://127.0.0.1:{self.placement_port}'

    def _create_vhost(self):
        rabbitmqctl('add_vhost', self.vhost)
        self._cleanups.append(lambda: rabbitmqctl('delete_vhost', self.vhost))
        user = RABBIT.split(':', 1)[0]
        rabbitmqctl('set_permissions', '-p', self.vhost, user, '.*', '.*', '.*')

    def _create_databases(self):
        for db in self.dbs.values():
            mysql_execute(f'CREATE DATABASE `{db}` CHARACTER SET utf8mb4')
            self._cleanups.append(lambda db=db: mysql_execute(f'DROP DATABASE IF EXISTS `{db}`'))

    # Configuration ---------------------------------------------------------

    def write_conf(self, name, host, with_db=True):
        lines = [
            '[DEFAULT]',
            f'host = {host}',
            f'transport_url = {self.transport_url}',
            f'state_path = {self.workdir}/{name}',
            'compute_driver = fake.FakeDriver',
            'report_interval = 1',
            'service_down_time = 5',
            'periodic_fuzzy_delay = 0',
            'graceful_shutdown_timeout = 10',
            'debug = true',
            # Quotas are not what these tests are about: leave room.
            '[quota]',
            'instances = 50',
            'cores = 100',
            '[api]',
            'auth_strategy = noauth2',
            '[wsgi]',
            'osapi_compute_listen = 127.0.0.1',
            f'osapi_compute_listen_port = {self.api_port}',
            '[placement]',
            f'endpoint_override = {self.placement_url}',
            'auth_type = admin_token',
            f'endpoint = {self.placement_url}',
            'token = admin',
            '[glance]',
            f'endpoint_override = {self.glance.url}',
            'auth_type = none',
            f'endpoint = {self.glance.url}',
            '[oslo_concurrency]',
            f'lock_path = {self.workdir}/{name}/locks',
        ]
        if with_db:
            lines += ['[api_database]', f"connection = {mysql_url(self.dbs['api'])}",
                      '[database]', f"connection = {mysql_url(self.dbs['cell1'])}"]
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

    def _start(self, name, argv):
        self.daemons[name] = Daemon(name, argv, os.path.join(self.workdir, 'log', f'{name}.out'))
        return self.daemons[name]

    def _wait(self, what, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = [d for d in self.daemons.values() if not d.alive()
                    and d.name not in getattr(self, 'killed', ())]
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

    def start(self):
        os.makedirs(os.path.join(self.workdir, 'log'), exist_ok=True)
        self._create_vhost()
        self._create_databases()
        self.glance = glance_peer.GlanceProcess(os.path.join(self.workdir, 'glance'), port=0)
        self.glance.start()
        self.image = glance_peer.upload_image(self.glance.url, 'tiny')
        self._start('placement', [sys.executable, '-m',
                                  'nova.tests.integration.placement_server',
                                  mysql_url(self.dbs['placement']), str(self.placement_port)])
        self.confs = {'controller': self.write_conf('controller', 'it-controller')}
        for host in self.COMPUTE_HOSTS:
            self.confs[host] = self.write_conf(host, host, with_db=False)
        self.manage('api_db', 'sync')
        self.manage('cell_v2', 'map_cell0', '--database_connection',
                    mysql_url(self.dbs['cell0']))
        self.manage('cell_v2', 'create_cell', '--name', 'cell1',
                    '--database_connection', mysql_url(self.dbs['cell1']),
                    '--transport-url', self.transport_url)
        self.manage('db', 'sync')
        for binary in ('conductor', 'scheduler', 'api'):
            self._start(binary, fixtures.command(binary, '--config-file',
                                                 self.confs['controller']))
        for host in self.COMPUTE_HOSTS:
            self._start(host, fixtures.command('compute', '--config-file', self.confs[host]))
        self._wait('Placement', lambda: requests.get(self.placement_url, timeout=2).ok)
        self._wait('both computes in Placement',
                   lambda: len(self.placement().providers()) == 2)
        self.manage('cell_v2', 'discover_hosts')
        self._wait('nova-api', lambda: requests.get(self.api_url, timeout=2).ok)
        # Operators create flavors through the API; nova-manage makes none.
        resp = self.api().post('/flavors', json={'flavor': {
            'name': 'm1.tiny', 'id': '1', 'ram': 512, 'vcpus': 1, 'disk': 1}})
        assert resp.status_code == 200, resp.text

    def api(self):
        return fixtures.ComputeClient(self.api_url)

    def placement(self):
        return fixtures.PlacementClient(self.placement_url)

    def stop_daemons(self):
        """Stop every daemon (SIGTERM, then SIGKILL); return {name: code}."""
        codes = {}
        order = ['api', *self.COMPUTE_HOSTS, 'scheduler', 'conductor', 'placement']
        for name in order + [n for n in self.daemons if n not in order]:
            if name in self.daemons:
                codes[name] = self.daemons[name].stop()
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
        for cleanup in reversed(self._cleanups):
            try:
                cleanup()
            except CLEANUP_ERRORS as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
