"""The whole service in this test process, as nova-all runs it.

``start_all_in_one`` reuses :mod:`nova.all_in_one` (the code nova-all
runs): SQLite DBs in a temp state directory, the ``fake://`` bus, the real
Placement in process and the real Glance as a child process, each on a
free port.
"""

import collections
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import oslo_messaging
import requests

from nova.all_in_one import settings, stack

TOKEN = 'admin:admin'
MICROVERSION = '2.47'


NOVA_ALL_BANNER = 'nova-all is serving the Compute API on'


class NovaAllProcess:
    """``nova-all`` in a child process of its own (state in
    ``state_path``, output in ``out_path``), for tests that must not
    share the session's stack: ``virt`` and an extra config file's text
    are what differ between them."""

    def __init__(self, state_path, out_path, virt='fake', conf_text='',
                 start_timeout=120):
        self.state_path = state_path
        self.out_path = out_path
        self.virt = virt
        self.conf_text = conf_text
        self.start_timeout = start_timeout
        self.endpoints = free_endpoints()
        self.proc = None

    def start(self):
        os.makedirs(self.state_path, exist_ok=True)
        conf = self.state_path + '-base.conf'
        with open(conf, 'w') as f:
            f.write(self.conf_text)
        e = self.endpoints
        with open(self.out_path, 'ab') as out:
            self.proc = subprocess.Popen(
                [sys.executable, '-m', 'nova.cmd.all',
                 '--state-path', self.state_path, '--virt', self.virt,
                 '--config-file', conf,
                 '--api-port', str(e.api_port),
                 '--placement-port', str(e.placement_port),
                 '--glance-port', str(e.glance_port)],
                stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while NOVA_ALL_BANNER not in self.output():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError('nova-all did not start:\n' +
                                     self.output()[-4000:])
            time.sleep(0.2)
        return self

    def output(self):
        with open(self.out_path, errors='replace') as f:
            return f.read()

    def stop(self, timeout=60):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        # Glance runs in a session of its own: it dies with its parent,
        # but one left by a SIGKILL is ended here (what runs in its dir).
        glance_dir = os.path.join(self.state_path, 'glance')
        for pid in filter(str.isdigit, os.listdir('/proc')):
            try:
                if os.readlink(f'/proc/{pid}/cwd') == glance_dir:
                    os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def free_endpoints():
    return settings.Endpoints('127.0.0.1', free_port(), free_port(), free_port())


def command(name, *args):
    """argv running the console script ``nova-<name>`` of this tree."""
    code = f'import sys; from nova.cmd.{name} import main; sys.exit(main())'
    return [sys.executable, '-c', code, *args]


def run_command(name, *args, timeout=120):
    """Run ``nova-<name> args`` to completion; the CompletedProcess."""
    return subprocess.run(command(name, *args), capture_output=True, text=True,
                          timeout=timeout, check=False)


# Room for the pagination test's 25 servers beside the others; versioned
# notifications (with instance.update on every state change) on the
# session's bus, for the tests that listen to them.
QUOTAS = {'quota': {'instances': 100, 'cores': 200, 'ram': 100 * 1024},
          'notifications': {'notification_format': 'versioned',
                            'notify_on_state_change': 'vm_and_task_state'},
          'oslo_messaging_notifications': {'driver': 'messaging'}}


def start_all_in_one(state_path, extra=QUOTAS):
    """A started :class:`stack.AllInOne`; the caller must ``stop()`` it."""
    deployment = stack.AllInOne(state_path, free_endpoints(), 'fake.FakeDriver',
                                extra=extra, prog='nova-functional')
    deployment.configure()
    deployment.prepare()
    deployment.start()
    return deployment


class ComputeClient:
    """Speaks the Compute API over HTTP as a client would (requests)."""

    def __init__(self, base_url, token=TOKEN, microversion=MICROVERSION):
        self.base_url = base_url.rstrip('/')
        self.session = requests.Session()
        self.session.headers['X-Auth-Token'] = token
        self.microversion = microversion

    def request(self, method, path, json=None, data=None, headers=None,
                microversion=None):
        hdrs = {'OpenStack-API-Version':
                'compute %s' % (microversion or self.microversion)}
        if data is not None:
            hdrs['Content-Type'] = 'application/json'
        hdrs.update(headers or {})
        url = path if path.startswith('http') else self.base_url + path
        return self.session.request(method, url, json=json, data=data,
                                    headers=hdrs, timeout=30)

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, json=None, **kw):
        return self.request('POST', path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.request('PUT', path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)

    # Servers ----------------------------------------------------------------

    def create_server(self, name, image_ref, flavor_ref='1', networks='auto',
                      **extra):
        body = {'server': dict(name=name, imageRef=image_ref,
                               flavorRef=flavor_ref, networks=networks, **extra)}
        resp = self.post('/servers', json=body)
        assert resp.status_code == 202, resp.text
        return resp.json()['server']

    def get_server(self, server_id):
        resp = self.get(f'/servers/{server_id}')
        assert resp.status_code == 200, resp.text
        return resp.json()['server']

    def wait_for_server(self, server_id, statuses, timeout=30):
        """The server once its status is one of ``statuses``."""
        deadline = time.monotonic() + timeout
        while True:
            server = self.get_server(server_id)
            if server['status'] in statuses:
                return server
            if time.monotonic() > deadline:
                raise AssertionError('server {} is {}, not {} after {}s: {}'.format(
                    server_id, server['status'], statuses, timeout, server))
            time.sleep(0.1)

    def watch_states(self, server_id, until, timeout=30):
        """Distinct (status, vm_state, task_state) seen until ``until``."""
        seen = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.get_server(server_id)
            state = (server['status'], server['OS-EXT-STS:vm_state'],
                     server['OS-EXT-STS:task_state'])
            if not seen or seen[-1] != state:
                seen.append(state)
            if server['status'] in (until, 'ERROR'):
                return seen
            time.sleep(0.02)
        raise AssertionError(f'server {server_id} not {until} after {timeout}s: {seen}')

    def wait_until_gone(self, server_id, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            resp = self.get(f'/servers/{server_id}')
            if resp.status_code == 404:
                return
            time.sleep(0.1)
        raise AssertionError(f'server {server_id} still exists after {timeout}s')


class PlacementClient:
    """Reads the real Placement this service uses."""

    def __init__(self, url):
        self.url = url.rstrip('/')
        self.session = requests.Session()
        self.session.headers.update({'X-Auth-Token': 'admin',
                                     'OpenStack-API-Version': 'placement 1.28'})

    def allocations(self, consumer):
        resp = self.session.get(f'{self.url}/allocations/{consumer}',
                                timeout=10)
        assert resp.status_code == 200, resp.text
        return resp.json()['allocations']

    def providers(self):
        resp = self.session.get(self.url + '/resource_providers', timeout=10)
        assert resp.status_code == 200, resp.text
        return resp.json()['resource_providers']

    def usages(self, rp_uuid):
        resp = self.session.get(f'{self.url}/resource_providers/{rp_uuid}/usages', timeout=10)
        assert resp.status_code == 200, resp.text
        return resp.json()['usages']


class NotificationLog:
    """The versioned notifications sent on the session's bus, heard by a
    real oslo.messaging notification listener."""

    def __init__(self, transport):
        self._lock = threading.Lock()
        self._seen = collections.deque(maxlen=50000)
        self._server = oslo_messaging.get_notification_listener(
            transport, [oslo_messaging.Target(topic='versioned_notifications')],
            [self], executor='threading')

    def start(self):
        self._server.start()

    def stop(self):
        self._server.stop()
        self._server.wait()

    def _heard(self, publisher_id, event_type, payload, priority):
        with self._lock:
            self._seen.append((event_type, publisher_id, priority,
                               payload.get('nova_object.data', {})))

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._heard(publisher_id, event_type, payload, 'INFO')

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._heard(publisher_id, event_type, payload, 'ERROR')

    def mark(self):
        """A position: ``since(mark)`` returns what came after it."""
        with self._lock:
            return len(self._seen)

    def since(self, mark, uuid=None):
        """(event_type, publisher, priority, payload data) heard after
        ``mark``, about instance ``uuid`` if given."""
        with self._lock:
            heard = list(self._seen)[mark:]
        return [n for n in heard if uuid is None or n[3].get('uuid') == uuid]

    def wait_for(self, mark, uuid, event_type, timeout=30):
        """The notifications about ``uuid`` since ``mark``, once
        ``event_type`` is among them."""
        deadline = time.monotonic() + timeout
        while True:
            heard = self.since(mark, uuid)
            if any(n[0] == event_type for n in heard):
                return heard
            assert time.monotonic() < deadline, (
                f'no {event_type} for {uuid}; heard '
                f'{[n[0] for n in heard]}')
            time.sleep(0.05)
