"""``nova-all`` as an operator runs it: one command, one process (plus the
Glance child), idempotent set-up, clean stop on SIGINT/SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from nova.all_in_one import settings
from nova.tests.functional import fixtures

START_TIMEOUT = 120
BANNER = 'nova-all is serving the Compute API on'


def _port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(('127.0.0.1', port)) == 0


class NovaAll:
    def __init__(self, state_path):
        self.state_path = state_path
        self.endpoints = fixtures.free_endpoints()
        self.log = os.path.join(os.path.dirname(state_path),
                                os.path.basename(state_path) + '.out')
        self.proc = None
        self.offset = 0

    def start(self):
        e = self.endpoints
        self.offset = os.path.getsize(self.log) if os.path.exists(self.log) else 0
        with open(self.log, 'ab') as out:
            self.proc = subprocess.Popen(
                [sys.executable, '-m', 'nova.cmd.all', '--state-path', self.state_path,
                 '--virt', 'fake', '--api-port', str(e.api_port),
                 '--placement-port', str(e.placement_port),
                 '--glance-port', str(e.glance_port)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while BANNER not in self.output():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError('nova-all did not start:\n' + self.output()[-4000:])
            time.sleep(0.2)
        return self

    def output(self):
        """What this run printed (a second run appends to the same file)."""
        with open(self.log, errors='replace') as f:
            f.seek(self.offset)
            return f.read()

    def stop(self, signo):
        """Send ``signo``; return the exit code."""
        self.proc.send_signal(signo)
        try:
            return self.proc.wait(60)
        finally:
            self.kill()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        # A killed nova-all cannot stop its Glance child (own session):
        # end the processes that run in this state directory's Glance dir.
        glance_dir = os.path.join(self.state_path, 'glance')
        for pid in filter(str.isdigit, os.listdir('/proc')):
            try:
                if os.readlink(f'/proc/{pid}/cwd') == glance_dir:
                    os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass


@pytest.fixture(scope='module')
def first_run(tmp_path_factory):
    nova_all = NovaAll(str(tmp_path_factory.mktemp('nova-all') / 'state')).start()
    try:
        yield nova_all
    finally:
        nova_all.kill()


def _api(nova_all):
    return fixtures.ComputeClient(nova_all.endpoints.api_url)


def test_prints_the_endpoint_and_working_cli_lines(first_run):
    out = first_run.output()
    assert f'{BANNER} {first_run.endpoints.api_url}' in out
    assert 'OS_AUTH_TYPE=admin_token OS_TOKEN=admin:admin' in out
    assert f'OS_IMAGE_ENDPOINT_OVERRIDE={first_run.endpoints.glance_url}' in out
    assert 'virt driver fake.FakeDriver: fake driver requested' in out


def test_creates_the_default_flavors(first_run):
    flavors = _api(first_run).get('/flavors').json()['flavors']
    assert {f['name'] for f in flavors} >= {
        'm1.tiny', 'm1.small', 'm1.medium', 'm1.large', 'm1.xlarge'}


def test_uploads_one_default_image(first_run):
    images = requests.get(first_run.endpoints.glance_url + '/v2/images',
                          timeout=10).json()['images']
    assert [i['name'] for i in images] == ['tiny']


def test_writes_the_configuration_nova_manage_uses(first_run):
    conf = os.path.join(first_run.state_path, 'nova.conf')
    proc = fixtures.run_command('manage', '--config-file', conf, 'cell_v2', 'list_hosts')
    assert proc.returncode == 0, proc.stderr
    host = settings.read_conf([conf]).defaults().get('host') or socket.gethostname()
    assert host in proc.stdout and 'cell1' in proc.stdout


def test_keeps_every_db_and_log_under_the_state_path(first_run):
    names = set(os.listdir(first_run.state_path))
    assert {'nova.conf', 'nova_api.sqlite', 'nova_cell0.sqlite',
            'nova_cell1.sqlite', 'placement.sqlite', 'glance', 'log'} <= names
    assert os.listdir(os.path.join(first_run.state_path, 'log'))


def test_sighup_reloads_the_configuration_and_keeps_serving(first_run):
    conf_path = os.path.join(first_run.state_path, 'nova.conf')
    # The log is named after the program (nova-all, or all.py under -m).
    log_dir = os.path.join(first_run.state_path, 'log')
    log_path = next(os.path.join(log_dir, name)
                    for name in sorted(os.listdir(log_dir))
                    if 'all' in name)
    conf = settings.read_conf([conf_path])
    conf.defaults()['debug'] = 'true'
    with open(conf_path, 'w') as f:
        conf.write(f)
    offset = os.path.getsize(log_path)
    first_run.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 30
    while True:
        with open(log_path, errors='replace') as f:
            f.seek(offset)
            reloaded = f.read()
        if 'reloading configuration' in reloaded:
            break
        assert time.monotonic() < deadline, 'no reload logged after SIGHUP'
        time.sleep(0.2)
    assert first_run.proc.poll() is None
    assert _api(first_run).get('/flavors').status_code == 200
    # debug is a mutable option: DEBUG lines appear without a restart.
    deadline = time.monotonic() + 30
    while ' DEBUG ' not in reloaded:
        assert time.monotonic() < deadline, 'debug did not take effect'
        _api(first_run).get('/flavors')
        time.sleep(0.5)
        with open(log_path, errors='replace') as f:
            f.seek(offset)
            reloaded = f.read()


def test_sigint_stops_everything_and_a_second_start_keeps_the_data(first_run):
    api = _api(first_run)
    image_id = requests.get(first_run.endpoints.glance_url + '/v2/images',
                            timeout=10).json()['images'][0]['id']
    server = api.create_server('survivor', image_id)
    api.wait_for_server(server['id'], ('ACTIVE',))

    assert first_run.stop(signal.SIGINT) == 0
    for port in (first_run.endpoints.api_port, first_run.endpoints.placement_port,
                 first_run.endpoints.glance_port):
        assert not _port_open(port), f'port {port} still served after SIGINT'

    second = NovaAll(first_run.state_path).start()
    try:
        api = _api(second)
        assert api.get_server(server['id'])['status'] == 'ACTIVE'
        images = requests.get(second.endpoints.glance_url + '/v2/images',
                              timeout=10).json()['images']
        assert [i['id'] for i in images] == [image_id]
        assert second.stop(signal.SIGTERM) == 0
        assert not _port_open(second.endpoints.glance_port)
    finally:
        second.kill()


def test_a_port_in_use_fails_start_up_clearly_and_stops_what_started(tmp_path):
    nova_all = NovaAll(str(tmp_path / 'state'))
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', nova_all.endpoints.api_port))
        taken.listen()
        e = nova_all.endpoints
        proc = subprocess.run(
            [sys.executable, '-m', 'nova.cmd.all', '--state-path', nova_all.state_path,
             '--virt', 'fake', '--api-port', str(e.api_port),
             '--placement-port', str(e.placement_port), '--glance-port', str(e.glance_port)],
            capture_output=True, text=True, timeout=START_TIMEOUT, check=False)
    try:
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert 'nova-all: failed:' in proc.stderr
        assert 'Address already in use' in proc.stderr
        assert not _port_open(e.placement_port) and not _port_open(e.glance_port)
    finally:
        nova_all.kill()
