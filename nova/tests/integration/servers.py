"""RabbitMQ and MariaDB for the integration tests: the shared services of
the machine, or private ones that a test may stop and start again.

The shared RabbitMQ and MariaDB serve other test runs at the same time
and must never be restarted. A fault scenario that takes the bus or the
database away starts its own node instead, in a temporary directory, on
free ports, and restarts that one: :class:`PrivateRabbitMQ` (a RabbitMQ
node of its own name, beside the shared one under the shared epmd) and
:class:`PrivateMariaDB` (a ``mariadbd`` on its own data directory).

Every private server started is stopped at the end: by its owner's
finalizer, and by an ``atexit`` hook should the test run be interrupted.
Both classes, and the shared ones, give the same interface:
``url``-like properties, ``execute()`` and ``ctl()``.
"""

import atexit
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid

import pymysql

from nova.tests.functional import fixtures

RABBIT_BIN = '/usr/lib/rabbitmq/bin'

# Every private server still running, stopped at interpreter exit.
_RUNNING = set()
_RUNNING_LOCK = threading.Lock()


def _track(server, running):
    with _RUNNING_LOCK:
        (_RUNNING.add if running else _RUNNING.discard)(server)


@atexit.register
def _stop_all():
    with _RUNNING_LOCK:
        servers = list(_RUNNING)
    for server in servers:
        try:
            server.kill()
        except (OSError, subprocess.SubprocessError):
            pass


def _wait_for_exit(proc, timeout):
    try:
        proc.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        return False


# RabbitMQ -------------------------------------------------------------------


class SharedRabbitMQ:
    """The machine's RabbitMQ (``NOVA_TEST_RABBIT``): never restarted."""

    restartable = False

    def __init__(self, address=None):
        self.address = address or os.environ.get('NOVA_TEST_RABBIT',
                                                 'guest:guest@127.0.0.1:5672')

    @property
    def user(self):
        return self.address.split(':', 1)[0]

    def transport_url(self, vhost):
        return f'rabbit://{self.address}/{vhost}'

    def ctl(self, *args):
        return _run_ctl(['rabbitmqctl', '-q', *args], env=None)


def _run_ctl(argv, env, timeout=60):
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          check=False, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f'{" ".join(argv)}: {proc.stderr or proc.stdout}')
    return proc.stdout


class PrivateRabbitMQ(SharedRabbitMQ):
    """A RabbitMQ node of this test alone, restartable on the same data.

    ``start()`` takes ~5 s on this machine (the first start creates the
    Mnesia database), a restart ~3 s; ``start_seconds`` keeps each
    measure. A restart is a full stop and start of the node on the same
    data directory, so durable queues and persistent messages survive.
    """

    restartable = True

    def __init__(self, workdir):
        self.workdir = os.path.abspath(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        self.node = f'nova-it-{uuid.uuid4().hex[:8]}@localhost'
        self.port = fixtures.free_port()
        self.dist_port = fixtures.free_port()
        self.proc = None
        self.start_seconds = []
        self.log_path = os.path.join(self.workdir, 'server.out')
        super().__init__(f'guest:guest@127.0.0.1:{self.port}')
        with open(os.path.join(self.workdir, 'rabbitmq.conf'), 'w') as f:
            f.write('loopback_users = none\n'
                    'disk_free_limit.absolute = 1MB\n'
                    f'listeners.tcp.1 = 127.0.0.1:{self.port}\n')
        for name in ('enabled_plugins', 'rabbitmq-env.conf'):
            open(os.path.join(self.workdir, name), 'w').close()

    def _env(self):
        w = self.workdir
        env = dict(os.environ)
        env.update({
            # The Erlang cookie lives in $HOME: one of this node's own.
            'HOME': w,
            'RABBITMQ_NODENAME': self.node,
            'RABBITMQ_DIST_PORT': str(self.dist_port),
            'RABBITMQ_MNESIA_BASE': os.path.join(w, 'mnesia'),
            'RABBITMQ_LOG_BASE': os.path.join(w, 'log'),
            'RABBITMQ_PID_FILE': os.path.join(w, 'rabbitmq.pid'),
            'RABBITMQ_ENABLED_PLUGINS_FILE': os.path.join(w, 'enabled_plugins'),
            'RABBITMQ_CONF_ENV_FILE': os.path.join(w, 'rabbitmq-env.conf'),
            'RABBITMQ_CONFIG_FILE': os.path.join(w, 'rabbitmq'),
            'RABBITMQ_ADVANCED_CONFIG_FILE': os.path.join(w, 'advanced.config'),
        })
        # Not the shared node's settings (/etc/rabbitmq/rabbitmq-env.conf).
        env.pop('RABBITMQ_NODE_PORT', None)
        return env

    def ctl(self, *args, timeout=60):
        return _run_ctl([os.path.join(RABBIT_BIN, 'rabbitmqctl'), '-q',
                         '-n', self.node, *args], env=self._env(), timeout=timeout)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout=90):
        started = time.monotonic()
        pid_file = os.path.join(self.workdir, 'rabbitmq.pid')
        if os.path.exists(pid_file):
            os.unlink(pid_file)
        with open(self.log_path, 'ab') as log:
            self.proc = subprocess.Popen(
                [os.path.join(RABBIT_BIN, 'rabbitmq-server')], env=self._env(),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        _track(self, True)
        try:
            # Waits for the pid file, then for the rabbit app to run.
            self.ctl('wait', pid_file, '--timeout', str(timeout), timeout=timeout + 30)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            self.kill()
            raise RuntimeError(f'RabbitMQ node {self.node} did not start: {exc}\n'
                               + self._log_tail()) from exc
        self.start_seconds.append(round(time.monotonic() - started, 2))
        return self

    def _log_tail(self):
        with open(self.log_path, errors='replace') as f:
            return f.read()[-3000:]

    def stop(self):
        if not self.running():
            _track(self, False)
            return
        try:
            self.ctl('stop', timeout=60)
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
        if not _wait_for_exit(self.proc, 30):
            self.kill()
        _track(self, False)

    def kill(self):
        """SIGKILL the node's whole process group (beam, epmd stays)."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _wait_for_exit(self.proc, 10)
        _track(self, False)

    def restart(self, down_for=0):
        """Stop the node, stay down ``down_for`` seconds, start it again."""
        self.stop()
        time.sleep(down_for)
        self.start()

    def remove(self):
        """Stop and delete the node's data (its logs stay)."""
        self.stop()
        shutil.rmtree(os.path.join(self.workdir, 'mnesia'), ignore_errors=True)


# MariaDB --------------------------------------------------------------------


class SharedMariaDB:
    """The machine's MariaDB (``NOVA_TEST_MYSQL_*``): never restarted."""

    restartable = False

    def __init__(self):
        self.params = {'host': os.environ.get('NOVA_TEST_MYSQL_HOST', '127.0.0.1'),
                       'port': 3306,
                       'user': os.environ.get('NOVA_TEST_MYSQL_USER', 'root'),
                       'password': os.environ.get('NOVA_TEST_MYSQL_PASSWORD', '')}

    def url(self, db):
        p = self.params
        auth = p['user'] + (':' + p['password'] if p['password'] else '')
        return f"mysql+pymysql://{auth}@{p['host']}:{p['port']}/{db}?charset=utf8mb4"

    def connect(self, db=None, **kw):
        return pymysql.connect(database=db, autocommit=True, **self.params, **kw)

    def execute(self, sql, db=None, args=None):
        conn = self.connect(db)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, args)
                return cur.fetchall()
        finally:
            conn.close()


class PrivateMariaDB(SharedMariaDB):
    """A ``mariadbd`` of this test alone on a data directory of its own.

    ``start()`` installs the system tables the first time (~2.5 s) and
    starts the server (<1 s). A restart is SIGTERM (a clean shutdown:
    InnoDB flushes every committed transaction) and a start on the same
    data directory; ``kill()`` is SIGKILL (InnoDB recovers on start).
    """

    restartable = True

    def __init__(self, workdir):
        self.workdir = os.path.abspath(workdir)
        os.makedirs(self.workdir, exist_ok=True)
        super().__init__()
        self.params = {'host': '127.0.0.1', 'port': fixtures.free_port(),
                       'user': 'root', 'password': ''}
        self.datadir = os.path.join(self.workdir, 'data')
        self.proc = None
        self.start_seconds = []
        self.log_path = os.path.join(self.workdir, 'mariadbd.err')

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def _install(self):
        proc = subprocess.run(
            ['mariadb-install-db', '--no-defaults', f'--datadir={self.datadir}',
             '--user=root', '--auth-root-authentication-method=normal',
             '--skip-test-db'],
            capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f'mariadb-install-db: {proc.stdout}\n{proc.stderr}')

    def start(self, timeout=60):
        started = time.monotonic()
        if not os.path.isdir(os.path.join(self.datadir, 'mysql')):
            self._install()
        w = self.workdir
        self.proc = subprocess.Popen(
            ['mariadbd', '--no-defaults', f'--datadir={self.datadir}',
             f'--socket={w}/mysqld.sock', f'--port={self.params["port"]}',
             f'--pid-file={w}/mysqld.pid', '--bind-address=127.0.0.1',
             '--user=root', f'--log-error={self.log_path}',
             '--innodb-buffer-pool-size=128M', '--max-connections=500',
             '--skip-name-resolve'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL, start_new_session=True)
        _track(self, True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.execute('SELECT 1')
                break
            except pymysql.Error:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError('mariadbd did not start:\n' + self._log_tail()) from None
                time.sleep(0.1)
        self.start_seconds.append(round(time.monotonic() - started, 2))
        return self

    def _log_tail(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()[-3000:]
        except OSError:
            return ''

    def stop(self):
        if self.running():
            self.proc.send_signal(signal.SIGTERM)
            if not _wait_for_exit(self.proc, 60):
                self.kill()
        _track(self, False)

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            _wait_for_exit(self.proc, 10)
        _track(self, False)

    def restart(self, down_for=0):
        """SIGTERM, stay down ``down_for`` seconds, start on the same data."""
        self.stop()
        time.sleep(down_for)
        self.start()

    def remove(self):
        """Stop and delete the data directory (the error log stays)."""
        self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)
