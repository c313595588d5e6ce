"""Run the real Glance (the ``glance`` package) as a child process.

For ``nova-all`` and tests: Glance serves under gunicorn (threads, no
eventlet) with its own state directory: SQLite DB, file store, staging
and tasks stores, lock path, config, policy and log. There is no
Keystone; a policy file makes the unauthenticated context admin.

Keep this module's imports light: gunicorn imports it in the child to
call :func:`wsgi_app`.
"""

import configparser
import os
import signal
import socket
import struct
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request

START_TIMEOUT = 60
_CLUSTER_BITS = 16


def wsgi_app():
    """The Glance WSGI app, built in the gunicorn worker.

    Glance's config parsing would read gunicorn's own flags from
    ``sys.argv`` and exit, so argv is reset to the program name first.
    """
    sys.argv = [sys.argv[0]]
    from glance.wsgi import api
    return api.application


def _find_paste_ini():
    candidates = [os.path.join(sys.prefix, 'etc', 'glance'),
                  os.path.join(sysconfig.get_path('data'), 'etc', 'glance'),
                  '/usr/local/etc/glance', '/etc/glance',
                  '/usr/share/glance']
    for directory in candidates:
        path = os.path.join(directory, 'glance-api-paste.ini')
        if os.path.isfile(path):
            return path
    raise RuntimeError('glance-api-paste.ini was not found in {}; is the '
                       'glance package installed?'.format(', '.join(candidates)))


def _free_port(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _script(name):
    path = os.path.join(os.path.dirname(sys.executable), name)
    return path if os.path.exists(path) else name



def _with_parent_death_signal(argv):
    """Prefix ``argv`` so the child gets SIGTERM when its parent dies: a
    SIGKILLed nova-all then leaves no Glance behind. util-linux's setpriv
    does it without a preexec_fn (unsafe in a threaded parent)."""
    import shutil
    setpriv = shutil.which('setpriv')
    return [setpriv, '--pdeathsig', 'TERM', '--'] + argv if setpriv else argv


class GlanceProcess:
    """A Glance API on ``host:port`` with its state in ``state_dir``.

    ``port=0`` picks a free port. ``start()`` returns once Glance
    answers (or raises with the tail of its log); ``stop()`` ends it
    and its workers.
    """

    def __init__(self, state_dir, host='127.0.0.1', port=9292, threads=8):
        self.state_dir = os.path.abspath(state_dir)
        self.host = host
        self.port = port or _free_port(host)
        self.threads = threads
        self.proc = None
        self.log_path = os.path.join(self.state_dir, 'glance-api.log')
        self.config_path = os.path.join(self.state_dir, 'glance-api.conf')

    @property
    def url(self):
        return f'http://{self.host}:{self.port}'

    def _path(self, *parts):
        return os.path.join(self.state_dir, *parts)

    def _write_config(self):
        for sub in ('images', 'staging', 'tasks', 'locks', 'cache'):
            os.makedirs(self._path(sub), exist_ok=True)
        policy = self._path('policy.yaml')
        with open(policy, 'w') as f:
            # No Keystone: every request is the unauthenticated context,
            # which must be admin to use the API at all.
            f.write('"context_is_admin": ""\n')
        config = configparser.ConfigParser(interpolation=None)
        config.read_dict({
            'DEFAULT': {'worker_self_reference_url': self.url,
                        'enabled_backends': 'fs:file',
                        'image_cache_dir': self._path('cache'),
                        'use_stderr': 'true'},
            'database': {
                'connection': 'sqlite:///' + self._path('glance.sqlite')},
            'glance_store': {'default_backend': 'fs'},
            'fs': {'filesystem_store_datadir': self._path('images')},
            'os_glance_staging_store': {
                'filesystem_store_datadir': self._path('staging')},
            'os_glance_tasks_store': {
                'filesystem_store_datadir': self._path('tasks')},
            'oslo_concurrency': {'lock_path': self._path('locks')},
            'oslo_policy': {'policy_file': policy},
            'paste_deploy': {'config_file': _find_paste_ini()},
        })
        with open(self.config_path, 'w') as f:
            config.write(f)

    def _log_tail(self, size=3000):
        try:
            with open(self.log_path, 'rb') as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - size))
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def start(self, timeout=START_TIMEOUT):
        os.makedirs(self.state_dir, exist_ok=True)
        self._write_config()
        env = dict(os.environ, OS_GLANCE_CONFIG_DIR=self.state_dir)
        # The child imports this module; make sure it finds this tree.
        root = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        env['PYTHONPATH'] = os.pathsep.join(
            p for p in (root, env.get('PYTHONPATH')) if p)
        with open(self.log_path, 'ab') as log:
            sync = subprocess.run(
                [_script('glance-manage'), '--config-file', self.config_path,
                 'db_sync'], stdout=log, stderr=subprocess.STDOUT, env=env,
                timeout=timeout, check=False)
        if sync.returncode != 0:
            raise RuntimeError(
                f'glance-manage db_sync failed (see {self.log_path}):\n'
                f'{self._log_tail()}')
        # The child keeps its own copy of the log file descriptor.
        with open(self.log_path, 'ab') as log:
            self.proc = subprocess.Popen(_with_parent_death_signal(
                [sys.executable, '-m', 'gunicorn',
                 '--bind', f'{self.host}:{self.port}',
                 '--workers', '1', '--worker-class', 'gthread',
                 '--threads', str(self.threads), '--no-control-socket',
                 '--timeout', '120', '--chdir', self.state_dir,
                 'nova.peers.glance:wsgi_app()']),
                stdout=log, stderr=subprocess.STDOUT, env=env,
                start_new_session=True)
        try:
            self._wait_ready(timeout)
        except BaseException:
            # Leave no half-started Glance behind.
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f'Glance exited with code {self.proc.returncode} at '
                    f'start-up (log {self.log_path}):\n{self._log_tail()}')
            try:
                with urllib.request.urlopen(self.url + '/v2/images',
                                            timeout=2) as resp:
                    if resp.status == 200:
                        return
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    raise RuntimeError(
                        f'Glance answers {exc.code} at start-up (log '
                        f'{self.log_path})') from exc
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f'Glance did not answer on {self.url} within {timeout}s (log '
            f'{self.log_path}):\n{self._log_tail()}')

    def stop(self, timeout=15):
        """Terminate gunicorn and its workers (one process group)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(5)
        self.proc = None


def make_qcow2(path, virtual_size=1024 ** 3):
    """Write an empty but valid qcow2 (v3) image of ``virtual_size`` bytes.

    Four clusters: header, refcount table, refcount block, L1 table. With
    no L2 tables every guest read returns zeros; enough for a fake boot
    and a valid upload (Glance inspects the format).
    """
    cluster = 1 << _CLUSTER_BITS
    l2_coverage = (cluster // 8) * cluster
    l1_size = max(1, -(-virtual_size // l2_coverage))
    header = struct.pack(
        '>4sIQIIQIIQQIIQ', b'QFI\xfb', 3, 0, 0, _CLUSTER_BITS, virtual_size,
        0, l1_size, 3 * cluster, 1 * cluster, 1, 0, 0)
    # v3 fields: incompatible, compatible, autoclear features,
    # refcount_order (16-bit refcounts), header length.
    header += struct.pack('>QQQII', 0, 0, 0, 4, 104)
    refcount_table = struct.pack('>Q', 2 * cluster)
    refcount_block = struct.pack('>4H', 1, 1, 1, 1)
    with open(path, 'wb') as f:
        f.writelines(data.ljust(cluster, b'\0')
                     for data in (header, refcount_table, refcount_block))
        f.write(b'\0' * (l1_size * 8))
        f.truncate(4 * cluster)
    return path


def upload_image(endpoint, name, path=None, disk_format='qcow2',
                 container_format='bare', properties=None):
    """Upload the file at ``path`` (a fresh tiny qcow2 when None) to the
    Glance at ``endpoint`` as a public image; returns the image dict."""
    import tempfile

    from nova.image import glance as glance_client

    meta = {'name': name, 'disk_format': disk_format,
            'container_format': container_format, 'visibility': 'public',
            'properties': properties or {}}
    client = glance_client.API(endpoint=endpoint)
    if path is not None:
        with open(path, 'rb') as data:
            return client.create(None, meta, data=data)
    with tempfile.TemporaryDirectory() as tmp:
        image = make_qcow2(os.path.join(tmp, 'tiny.qcow2'))
        with open(image, 'rb') as data:
            return client.create(None, meta, data=data)
