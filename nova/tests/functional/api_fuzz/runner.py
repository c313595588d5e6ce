"""Sends fuzzed requests, checks each answer and that refusals change
nothing.

Rows are compared around *batches* of requests that should change
nothing (reads, and writes that were refused), not around each request:
a write that may be accepted closes the batch before it is sent, and
once one is accepted the deployment is left to settle and a new batch
starts. When a batch changed rows, its requests are replayed one by one
to name the culprit.
"""

import collections
import json
import queue
import threading
import time

import requests

BATCH = 100
ALLOWED_5XX = (501, 503)
# Answers that are not fault bodies by the API's definition: external
# events answer 404 with the events (each with its own code) when none
# of them found its server.
NOT_FAULTS = {('POST', '/os-server-external-events', 404): 'events'}


def _header_value(value):
    try:
        value.encode('latin-1')
        return value
    except UnicodeEncodeError:
        return value.encode('utf-8')


class Runner:
    def __init__(self, base_url, snapshot):
        self.base_url = base_url.rstrip('/')
        self.session = requests.Session()
        self.snapshot = snapshot
        self.baseline = snapshot.settle()
        self.pending = []
        self.problems = []
        self.sent = 0
        self.replayed = 0
        self.by_status = collections.Counter()
        self.by_route = collections.Counter()
        self.by_kind = collections.Counter()
        self.batches_checked = 0
        self.unverified = 0
        self.started = time.monotonic()
        # Requests are sent by a thread, so that the next one is being
        # generated while this one is served.
        self._queue = queue.Queue(maxsize=64)
        self._thread = threading.Thread(target=self._work, daemon=True,
                                        name='api-fuzz-sender')
        self._thread.start()

    def _work(self):
        while True:
            req = self._queue.get()
            try:
                if req is None:
                    return
                self.send(req)
            except Exception as exc:  # noqa: BLE001 - reported, not lost
                self.problems.append(f'sending failed ({exc!r}): '
                                     f'{req.describe()}')
            finally:
                self._queue.task_done()

    def submit(self, req):
        """Queue ``req``; sent in order by the sender thread."""
        self._queue.put(req)

    def finish(self):
        """Send what is queued, check the last batch, stop the thread."""
        self._queue.put(None)
        self._thread.join()
        self.close_batch()

    # Sending ---------------------------------------------------------------

    def _http(self, req):
        headers = {k: _header_value(v) for k, v in req.headers.items()}
        return self.session.request(
            req.method, self.base_url + req.path, data=req.body,
            headers=headers, timeout=60, allow_redirects=False)

    def send(self, req):
        if req.kind == 'maybe':
            # It may be accepted: what came before must be checked now.
            self.close_batch()
        resp = self._http(req)
        self.sent += 1
        self.by_status[resp.status_code] += 1
        self.by_route[req.route] += 1
        self.by_kind[req.kind] += 1
        self.check_response(req, resp)
        writes = req.method not in ('GET', 'HEAD')
        if writes and resp.status_code < 400:
            if req.kind == 'reject':
                # Refusal was expected, so the batch is not checked.
                self.unverified += len(self.pending)
            self.pending = []
            self.baseline = self.snapshot.settle()
            return resp
        self.pending.append(req)
        if len(self.pending) >= BATCH:
            self.close_batch()
        return resp

    # Checks ------------------------------------------------------------------

    def problem(self, req, what):
        self.problems.append(f'{what}: {req.describe()}')

    def check_response(self, req, resp):
        status = resp.status_code
        text = resp.text
        if 'Traceback' in text or 'File "' in text:
            self.problem(req, f'{status} with a traceback in the body')
        if status >= 500 and status not in ALLOWED_5XX:
            self.problem(req, f'{status} {text[:200]!r}')
            return
        if status < 400 or req.method == 'HEAD':
            return
        route = req.route.split(' ', 1)[1]
        key = NOT_FAULTS.get((req.method, route, status))
        try:
            body = resp.json()
            if key is not None and isinstance(body, dict) and key in body:
                return
            (_name, fault), = body.items()
            ok = (isinstance(fault, dict) and fault.get('code') == status and
                  isinstance(fault.get('message'), str))
        except (ValueError, AttributeError, TypeError):
            ok = False
        if not ok:
            self.problem(req, f'{status} body is not a fault: {text[:200]!r}')

    def close_batch(self):
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        now = self.snapshot.take()
        self.batches_checked += 1
        if now != self.baseline:
            changed = self.snapshot.diff(self.baseline, now)
            culprits = self.replay(batch)
            if culprits:
                for req, tables in culprits:
                    self.problem(req, 'a refused request changed '
                                      f'{", ".join(tables)}')
            else:
                self.problems.append(
                    f'a batch of {len(batch)} refused requests changed '
                    f'{", ".join(changed)}; no single one does on replay. '
                    'The batch: ' + ' | '.join(r.describe()
                                               for r in batch[:20]))
            now = self.snapshot.settle()
        self.baseline = now

    def replay(self, batch):
        """The requests of ``batch`` that change rows when sent again."""
        culprits = []
        for req in batch:
            before = self.snapshot.settle(timeout=2)
            resp = self._http(req)
            self.replayed += 1
            after = self.snapshot.settle(timeout=2)
            if after != before and (req.method in ('GET', 'HEAD') or
                                    resp.status_code >= 400):
                culprits.append((req, self.snapshot.diff(before, after)))
        return culprits

    # Figures -------------------------------------------------------------

    def figures(self):
        seconds = time.monotonic() - self.started
        return {
            'requests': self.sent,
            'replayed': self.replayed,
            'seconds': round(seconds, 1),
            'requests_per_second': round(self.sent / seconds, 1)
            if seconds else None,
            'by_status': {str(k): v for k, v in
                          sorted(self.by_status.items())},
            'by_kind': dict(self.by_kind),
            'routes': len(self.by_route),
            'by_route': dict(sorted(self.by_route.items())),
            'batches_checked': self.batches_checked,
            'unverified_requests': self.unverified,
            'problems': len(self.problems),
        }

    def summary(self):
        f = self.figures()
        statuses = ' '.join(f'{k}:{v}' for k, v in f['by_status'].items())
        return (f'api-fuzz: {f["requests"]} requests over {f["routes"]} '
                f'routes in {f["seconds"]}s ({statuses}); '
                f'{f["batches_checked"]} refused batches checked, '
                f'{f["problems"]} problems')

    def write(self, path):
        with open(path, 'w') as f:
            json.dump({**self.figures(), 'problem_list': self.problems[:200]},
                      f, indent=1, sort_keys=True)
