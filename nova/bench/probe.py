"""Counters and timers inside a daemon the bench started.

``python -m nova.bench.probe OUT [--hops P,...] -- <python args>`` runs a
daemon (``-c CODE ...`` or ``-m MODULE ...``) in this process after
installing:

* a DB statement counter: a SQLAlchemy ``before_cursor_execute`` listener
  on every engine, counted by database name;
* an RPC message counter: around oslo.messaging's ``Transport._send``,
  counted by method, casts and calls apart (a call also costs a reply);
* hop timers: each callable of :data:`TIMED` whose name starts with one
  of the ``--hops`` prefixes (``api``, ``conductor``, ...; none by
  default, so that a daemon imports no module it would not) is wrapped to
  add its wall time to a per-name total.

Nothing of this exists in a daemon that the bench did not start: the
service's own code carries no hook. On SIGUSR1 (and at exit) the counters
are written to OUT as JSON, with a sequence number the bench waits for.
"""

import atexit
import functools
import importlib
import json
import os
import runpy
import signal
import sys
import threading
import time

# The hops of a boot, by the code that runs them: name -> dotted path.
# A path absent from this tree is skipped (listed under "missing").
TIMED = {
    'api.create': 'nova.compute.api.API.create',
    'conductor.schedule_and_build': (
        'nova.conductor.tasks.build.BuildTask.schedule_and_build_instances'),
    'conductor.select_destinations_call': (
        'nova.scheduler.rpcapi.SchedulerAPI.select_destinations'),
    'scheduler.select_destinations': (
        'nova.scheduler.manager.SchedulerManager.select_destinations'),
    'scheduler.placement_candidates': (
        'nova.scheduler.client.report.SchedulerReportClient.'
        'get_allocation_candidates'),
    'scheduler.placement_claim': (
        'nova.scheduler.client.report.SchedulerReportClient.claim_resources'),
    # Every Placement request of the process (in nova-all, the
    # computes' too).
    'scheduler.placement_http': (
        'nova.scheduler.client.report.SchedulerReportClient._request'),
    'compute.build': 'nova.compute.build._build',
    'compute.claim': (
        'nova.compute.resource_tracker.ResourceTracker.instance_claim'),
    'compute.network': (
        'nova.network.flat.FlatNetworkAPI.allocate_for_instance'),
    'compute.spawn': 'nova.virt.fake.FakeDriver.spawn',
    'compute.terminate': 'nova.compute.delete.terminate_instance',
}


# Durations kept per timer for percentiles; beyond, only the totals grow.
MAX_SAMPLES = 100000


class Counters:
    """Thread-safe totals: counts, and per timer its calls, total seconds
    and each call's duration (up to MAX_SAMPLES)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.counts = {}
        self.timers = {}
        self.samples = {}

    def add(self, name, n=1):
        with self._lock:
            self.counts[name] = self.counts.get(name, 0) + n

    def time(self, name, seconds):
        with self._lock:
            total = self.timers.setdefault(name, [0, 0.0])
            total[0] += 1
            total[1] += seconds
            samples = self.samples.setdefault(name, [])
            if len(samples) < MAX_SAMPLES:
                samples.append(round(seconds, 6))

    def snapshot(self):
        with self._lock:
            return {'counts': dict(self.counts),
                    'timers': {k: {'calls': v[0], 'seconds': v[1],
                                   'samples': list(self.samples[k])}
                               for k, v in self.timers.items()}}


COUNTERS = Counters()


def _resolve(path):
    """(owner, attribute name) of a dotted path, importing what it needs."""
    parts = path.split('.')
    for i in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module('.'.join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:-1]:
            owner = getattr(owner, attr)
        if not hasattr(owner, parts[-1]):
            raise AttributeError(path)
        return owner, parts[-1]
    raise ImportError(path)


def timed(name, fn, counters=COUNTERS):
    """``fn`` wrapped to add its wall time to ``name``."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            counters.time(name, time.perf_counter() - start)
    return wrapper


def install_timers(prefixes, table=TIMED, counters=COUNTERS):
    """Wrap each callable of ``table`` whose name starts with one of
    ``prefixes``; return the names not found."""
    missing = []
    for name, path in table.items():
        if not name.startswith(tuple(prefixes)):
            continue
        try:
            owner, attr = _resolve(path)
        except (ImportError, AttributeError):
            missing.append(name)
            continue
        original = owner.__dict__.get(attr, getattr(owner, attr))
        if isinstance(original, (staticmethod, classmethod)):
            wrapped = type(original)(timed(name, original.__func__, counters))
        else:
            wrapped = timed(name, original, counters)
        setattr(owner, attr, wrapped)
    return missing


def install_db_counter(counters=COUNTERS):
    """Count every statement of every engine; return the undo."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def count(conn, cursor, statement, parameters, context, executemany):
        verb = statement.lstrip().split(None, 1)[0].upper() if statement else '?'
        db = conn.engine.url.database or '?'
        counters.add('db.statements')
        counters.add(f'db.by_database.{os.path.basename(db)}')
        # Placement's statements apart: in nova-all it shares the process.
        kind = 'placement_by_verb' if 'placement' in db else 'by_verb'
        counters.add(f'db.{kind}.{verb}')

    event.listen(Engine, 'before_cursor_execute', count)
    return lambda: event.remove(Engine, 'before_cursor_execute', count)


def install_rpc_counter(counters=COUNTERS):
    """Count every message this process sends; return the undo."""
    from oslo_messaging import transport

    original = transport.Transport._send

    @functools.wraps(original)
    def send(self, target, ctxt, message, wait_for_reply=None, *args, **kwargs):
        kind = 'call' if wait_for_reply else 'cast'
        method = message.get('method', '?') if isinstance(message, dict) else '?'
        counters.add(f'rpc.{kind}s')
        counters.add(f'rpc.by_method.{method}')
        return original(self, target, ctxt, message, wait_for_reply, *args, **kwargs)

    transport.Transport._send = send
    return lambda: setattr(transport.Transport, '_send', original)


class Writer:
    """Writes the snapshot to ``path`` atomically, with a sequence number."""

    def __init__(self, path, counters=COUNTERS, missing=()):
        self.path = path
        self.counters = counters
        self.missing = list(missing)
        self.seq = 0
        self._lock = threading.Lock()

    def write(self, *_):
        with self._lock:
            self.seq += 1
            data = dict(self.counters.snapshot(), seq=self.seq, pid=os.getpid(),
                        missing_timers=self.missing, time=time.time())
            tmp = f'{self.path}.tmp'
            with open(tmp, 'w') as f:
                json.dump(data, f)
            os.replace(tmp, self.path)


def _signal_writer(writer):
    # Write from a thread: the signal lands in the main thread, which may
    # hold the counters' lock at that moment.
    def handler(signo, frame):
        threading.Thread(target=writer.write, daemon=True).start()
    signal.signal(signal.SIGUSR1, handler)


USAGE = ('usage: python -m nova.bench.probe OUT [--hops PREFIX,...] -- '
         '(-c CODE | -m MODULE) [ARGS...]')


def parse(argv):
    """(out, hop prefixes, '-c' or '-m', code or module, rest) of argv."""
    if '--' not in argv:
        raise ValueError(USAGE)
    split = argv.index('--')
    head, tail = argv[:split], argv[split + 1:]
    if not head or len(tail) < 2 or tail[0] not in ('-c', '-m'):
        raise ValueError(USAGE)
    prefixes = []
    if len(head) == 3 and head[1] == '--hops':
        prefixes = [p for p in head[2].split(',') if p]
    elif len(head) != 1:
        raise ValueError(USAGE)
    return head[0], prefixes, tail[0], tail[1], tail[2:]


def main(argv=None):
    try:
        out, prefixes, mode, target, rest = parse(
            list(sys.argv[1:] if argv is None else argv))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    install_db_counter()
    install_rpc_counter()
    missing = install_timers(prefixes)
    writer = Writer(out, missing=missing)
    _signal_writer(writer)
    atexit.register(writer.write)
    writer.write()
    if mode == '-c':
        sys.argv = ['-c', *rest]
        exec(compile(target, '<probe -c>', 'exec'), {'__name__': '__main__'})  # noqa: S102
    else:
        sys.argv = [target, *rest]
        runpy.run_module(target, run_name='__main__', alter_sys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
