"""The client load: what users do over HTTP, timed.

Each of C worker threads boots one server at a time as a client would:
``POST /servers``, then ``GET /servers/{id}`` every ``poll`` seconds
until the server is ACTIVE (or ERROR); deletes are ``DELETE`` then the
same polling until 404. Every worker has its own HTTP session.
"""

import dataclasses
import threading
import time

import requests

from nova.tests.functional import fixtures

MICROVERSION = '2.47'


@dataclasses.dataclass
class Op:
    """One timed operation on one server (times from time.time())."""
    kind: str
    server_id: str = None
    start: float = 0.0
    request_done: float = None   # the first HTTP answer
    done: float = None           # the end state seen by polling
    status: str = None           # the end state, or why it failed
    error: str = None
    polls: int = 0               # GET /servers/{id} made while waiting

    @property
    def request_latency(self):
        return None if self.request_done is None else self.request_done - self.start

    @property
    def latency(self):
        return None if self.done is None else self.done - self.start


class Stopped(Exception):
    """The run was interrupted (Ctrl-C): workers stop polling."""


class Load:
    """Drives the Compute API at ``api_url`` with ``concurrency`` clients."""

    def __init__(self, api_url, image_id, flavor='1', concurrency=10, poll=0.5,
                 timeout=600, token=fixtures.TOKEN):
        self.api_url = api_url
        self.image_id = image_id
        self.flavor = flavor
        self.concurrency = concurrency
        self.poll = poll
        self.timeout = timeout
        self.token = token
        self.stop = threading.Event()
        self._local = threading.local()

    def client(self):
        """This thread's client (a requests session is not thread-safe)."""
        client = getattr(self._local, 'client', None)
        if client is None:
            client = fixtures.ComputeClient(self.api_url, token=self.token,
                                            microversion=MICROVERSION)
            self._local.client = client
        return client

    # Running many --------------------------------------------------------

    def run(self, items, fn):
        """``fn(item)`` for every item on ``concurrency`` threads; the
        results in item order."""
        items = list(items)
        results = [None] * len(items)
        lock = threading.Lock()
        next_index = [0]

        def worker():
            while not self.stop.is_set():
                with lock:
                    index = next_index[0]
                    next_index[0] += 1
                if index >= len(items):
                    return
                try:
                    results[index] = fn(items[index])
                except Stopped:
                    return

        threads = [threading.Thread(target=worker, name=f'bench-client-{i}', daemon=True)
                   for i in range(min(self.concurrency, len(items)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
        if self.stop.is_set():
            raise Stopped()
        return results

    def _wait(self, op, until, gone=False):
        """Poll ``GET /servers/{id}`` until ``until`` (or 404 with ``gone``)."""
        deadline = op.start + self.timeout
        client = self.client()
        while not self.stop.wait(self.poll):
            try:
                op.polls += 1
                resp = client.get(f'/servers/{op.server_id}')
            except requests.RequestException as exc:
                op.status, op.error = 'unreachable', str(exc)
                return op
            now = time.time()
            if gone and resp.status_code == 404:
                op.done, op.status = now, 'gone'
                return op
            if resp.status_code != 200:
                op.status = f'HTTP {resp.status_code}'
                op.error = resp.text[:300]
                return op
            server = resp.json()['server']
            if server['status'] in until and not server.get('OS-EXT-STS:task_state'):
                op.done, op.status = now, server['status']
                return op
            if server['status'] == 'ERROR':
                op.status = 'ERROR'
                op.error = str(server.get('fault', {}).get('message', ''))[:300]
                return op
            if now > deadline:
                op.status = f'timeout ({server["status"]})'
                op.error = f'not {"/".join(until)} after {self.timeout}s'
                return op
        raise Stopped()

    # Operations ------------------------------------------------------------

    def boot_one(self, name):
        op = Op('boot', start=time.time())
        body = {'server': {'name': name, 'imageRef': self.image_id,
                           'flavorRef': self.flavor, 'networks': 'auto'}}
        try:
            resp = self.client().post('/servers', json=body)
        except requests.RequestException as exc:
            op.status, op.error = 'unreachable', str(exc)
            return op
        op.request_done = time.time()
        if resp.status_code != 202:
            op.status, op.error = f'HTTP {resp.status_code}', resp.text[:300]
            return op
        op.server_id = resp.json()['server']['id']
        return self._wait(op, ('ACTIVE',))

    def delete_one(self, server_id):
        op = Op('delete', server_id=server_id, start=time.time())
        try:
            resp = self.client().delete(f'/servers/{server_id}')
        except requests.RequestException as exc:
            op.status, op.error = 'unreachable', str(exc)
            return op
        op.request_done = time.time()
        if resp.status_code != 204:
            op.status, op.error = f'HTTP {resp.status_code}', resp.text[:300]
            return op
        return self._wait(op, (), gone=True)

    def action_one(self, server_id, kind, body, until):
        """POST an action; done when the server is in ``until`` with no
        task state."""
        op = Op(kind, server_id=server_id, start=time.time())
        try:
            resp = self.client().post(f'/servers/{server_id}/action', json=body)
        except requests.RequestException as exc:
            op.status, op.error = 'unreachable', str(exc)
            return op
        op.request_done = time.time()
        if resp.status_code not in (202, 204):
            op.status, op.error = f'HTTP {resp.status_code}', resp.text[:300]
            return op
        return self._wait(op, until)

    def boot(self, count, prefix='bench'):
        return self.run([f'{prefix}-{i}' for i in range(count)], self.boot_one)

    def delete(self, server_ids):
        return self.run(server_ids, self.delete_one)

    # Reads -----------------------------------------------------------------

    def time_get(self, path, repeat):
        """Latencies of ``repeat`` sequential GETs of ``path`` and the
        number of servers the last answer held."""
        client = self.client()
        latencies, returned = [], None
        for _ in range(repeat):
            if self.stop.is_set():
                raise Stopped()
            start = time.perf_counter()
            resp = client.get(path)
            latencies.append(time.perf_counter() - start)
            if resp.status_code != 200:
                raise RuntimeError(f'GET {path} answered {resp.status_code}: {resp.text[:300]}')
            body = resp.json()
            returned = len(body['servers']) if 'servers' in body else 1
        return latencies, returned
