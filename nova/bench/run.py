"""One bench run: start a layout, load it in phases, measure, stop it.

Phases: start; rest (costs at rest, then an idle window that gives the
background rates of heartbeats and periodic tasks); list and show at each
size below N (booting servers to reach it, not counted as boots); boot N;
list and show at each size from N up;
actions (reboot, stop, start, resize, confirm, live migration) on some; delete every server; costs after the run;
select_destinations with more hosts (stand-ins). The layout is stopped at the
end whatever happens (failure, Ctrl-C, SIGTERM).
"""

import contextlib
import dataclasses
import datetime
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

import psutil

from nova.bench import costs, layouts, load, report, scheduling, stats

RESIZE_FLAVOR = {'name': 'bench.resize', 'id': 'bench-resize', 'ram': 1024,
                 'vcpus': 1, 'disk': 1}
# Each server goes through these in order: (name, action body, end states).
ACTIONS = (
    ('reboot', {'reboot': {'type': 'SOFT'}}, ('ACTIVE',)),
    ('stop', {'os-stop': None}, ('SHUTOFF',)),
    ('start', {'os-start': None}, ('ACTIVE',)),
    ('resize', {'resize': {'flavorRef': RESIZE_FLAVOR['id']}}, ('VERIFY_RESIZE',)),
    ('confirm_resize', {'confirmResize': None}, ('ACTIVE',)),
    # The scheduler picks the destination; the fake driver copies nothing,
    # so this times the control plane's part of a live migration.
    ('live_migration', {'os-migrateLive': {'host': None,
                                           'block_migration': 'auto'}},
     ('ACTIVE',)),
)
FILL_ATTEMPTS = 3
LIST_QUERIES = ('/servers', '/servers/detail', '/servers?limit=1000',
                '/servers/detail?limit=1000')


@dataclasses.dataclass
class Options:
    layout: str = 'daemons'
    hosts: int = 10
    concurrency: int = 10
    servers: int = 500
    list_sizes: tuple = (100, 1000)
    list_repeat: int = 20
    sched_hosts: tuple = (10, 100, 1000)
    sched_requests: int = 30
    actions: int = 10
    show_repeat: int = 50
    poll: float = 0.5
    idle: float = 5.0
    timeout: float = 600.0
    workdir: str = None
    conf: dict = dataclasses.field(default_factory=dict)
    profile: tuple = ()


def _git_revision():
    try:
        out = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'],
                             capture_output=True, text=True, timeout=10,
                             cwd=os.path.dirname(__file__), check=False)
        return out.stdout.strip() or None
    except OSError:
        return None


def machine():
    mem = psutil.virtual_memory().total / (1024 ** 3)
    return {'cpus': os.cpu_count(), 'memory_gib': round(mem, 1),
            'cpu_model': _cpu_model(), 'platform': platform.platform(),
            'python': platform.python_version()}


def _cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


@contextlib.contextmanager
def _uninterrupted():
    """Ctrl-C and SIGTERM wait while the service is being stopped: a
    second one must not leave half of it running."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {signo: signal.signal(signo, signal.SIG_IGN)
           for signo in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signo, handler in old.items():
            signal.signal(signo, handler)


class Profiler:
    """py-spy recording the named daemons during a phase (raw folded
    stacks), summarised as the functions most often on-CPU."""

    def __init__(self, workdir, names):
        self.workdir = workdir
        self.names = names
        self.procs = {}

    @staticmethod
    def command():
        """py-spy from PATH or beside this Python (a venv's bin)."""
        beside = os.path.join(os.path.dirname(sys.executable), 'py-spy')
        return shutil.which('py-spy') or (beside if os.path.exists(beside) else None)

    def start(self, pids, phase):
        spy = self.command() if self.names else None
        if self.names and spy is None:
            raise RuntimeError('--profile needs py-spy: pip install py-spy')
        for name in self.names:
            if name not in pids:
                continue
            out = os.path.join(self.workdir, f'py-spy-{phase}-{name}.txt')
            self.procs[name] = (out, subprocess.Popen(
                [spy, 'record', '--format', 'raw', '--rate', '50',
                 '--nonblocking', '-p', str(pids[name]), '-o', out],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def stop(self):
        out = {}
        for name, (path, proc) in self.procs.items():
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
            out[name] = {'file': path, 'top': top_frames(path),
                         'top_nova': top_frames(path, where='(nova/')}
        self.procs = {}
        return out


def _deepest(frames, where):
    for frame in reversed(frames):
        if where is None or (where in frame and '(nova/bench/' not in frame):
            return frame
    return None


def top_frames(path, count=15, where=None):
    """The frames most often seen on top of a stack in a py-spy raw
    (folded) file: [(frame, share of samples)]. With ``where`` (e.g.
    ``'(nova/'``), the deepest frame containing it counts instead: which
    of our functions the time is spent under."""
    totals, all_samples = {}, 0
    try:
        with open(path) as f:
            for line in f:
                stack, _, n = line.rstrip().rpartition(' ')
                if not stack or not n.isdigit():
                    continue
                all_samples += int(n)
                frame = _deepest(stack.split(';'), where)
                if frame is not None:
                    totals[frame] = totals.get(frame, 0) + int(n)
    except OSError:
        return []
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:count]
    return [(frame, n / all_samples) for frame, n in ranked]


class Bench:
    def __init__(self, options, log=print):
        self.o = options
        self.log = log
        self.layout = None
        self.result = {'meta': {
            'date': datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds'),
            'layout': options.layout, 'hosts': options.hosts,
            'concurrency': options.concurrency, 'servers': options.servers,
            'poll_s': options.poll, 'machine': machine(), 'revision': _git_revision()}}
        self.timeline = {'boot': [], 'fill': [], 'delete': []}

    # Phases --------------------------------------------------------------

    def start(self):
        self.log(f'starting the {self.o.layout} layout with {self.o.hosts} hosts '
                 f'in {self.o.workdir}')
        cls = layouts.LAYOUTS[self.o.layout]
        self.layout = cls(self.o.workdir, self.o.hosts, self.o.conf)
        began = time.monotonic()
        self.layout.start()
        self.result['meta']['startup_s'] = time.monotonic() - began
        self.load = load.Load(self.layout.api_url, self.layout.image_id,
                              concurrency=self.o.concurrency, poll=self.o.poll,
                              timeout=self.o.timeout)

    def rest(self):
        time.sleep(min(self.o.idle, 3.0))
        first = costs.Moment(self.layout, 'rest')
        time.sleep(self.o.idle)
        second = costs.Moment(self.layout, 'rest+idle')
        self.idle_rates = first.rates(second)
        self.result['costs'] = {'at_rest': second.processes,
                                'idle_rates_per_s': self.idle_rates}
        return second

    def boot(self, before):
        self.log(f'booting {self.o.servers} servers, {self.o.concurrency} at a time')
        profiler = Profiler(self.o.workdir, self.o.profile)
        try:
            profiler.start(self.layout.pids(), 'boot')
            began = time.time()
            ops = self.load.boot(self.o.servers, prefix='bench-boot')
        finally:
            profiles = profiler.stop()
        self.boot_ops = ops
        after = costs.Moment(self.layout, 'after boot')
        seconds = time.time() - began
        self.result['boot'] = report.ops_summary(ops, began)
        self.result['boot']['duration_s'] = seconds
        ok = self.result['boot']['ok'] or 1
        per_boot = before.per_unit(after, ok, self.idle_rates, seconds)
        # The clients' polling is in those counts: what one GET costs,
        # measured alone, gives the boot's own share.
        polls = sum(op.polls for op in ops if op is not None) / ok
        show = self.show_cost([op.server_id for op in ops if op and op.done])
        if show is not None:
            per_boot['polls'] = polls
            per_boot['per_poll'] = show
            per_boot['without_polls'] = {
                key: max(0.0, per_boot[key] - polls * show[key])
                for key in ('db_statements', 'rpc_messages')}
        self.result['costs']['per_boot'] = per_boot
        samples = costs.timer_samples(before.probes, after.probes)
        self.result['hops'] = report.hop_split(samples, ok)
        sched = samples.get('scheduler.select_destinations', [])
        self.result['scheduler'] = {
            'hosts': self.o.hosts,
            'select_destinations_p50_ms': report.ms(stats.percentile(sched, 50)),
            'select_destinations_p95_ms': report.ms(stats.percentile(sched, 95))}
        if profiles:
            self.result.setdefault('profiles', {})['boot'] = profiles
        self.timeline['boot'] = ops
        self.t0 = began
        return after

    def show_cost(self, servers, count=50):
        """DB statements and RPC messages of one ``GET /servers/{id}``
        (``count`` of them, alone), or None without servers."""
        if not servers:
            return None
        first = costs.Moment(self.layout, 'before shows')
        for i in range(count):
            self.load.time_get(f'/servers/{servers[i % len(servers)]}', 1)
        cost = first.per_unit(costs.Moment(self.layout, 'after shows'), count)
        return {key: cost[key] for key in ('db_statements', 'rpc_messages')}

    def lists(self, servers, sizes):
        """Fill ``servers`` up to each size, time the lists; ``servers``
        grown by the fill."""
        self.result.setdefault('list', {})
        for size in sorted(sizes):
            # A failed fill boot is replaced (up to FILL_ATTEMPTS rounds) and
            # reported: the list figures need the count, not every boot.
            for attempt in range(FILL_ATTEMPTS):
                if len(servers) >= size:
                    break
                self.log(f'booting {size - len(servers)} more servers to list {size}')
                ops = self.load.boot(size - len(servers),
                                     prefix=f'bench-fill-{size}-{attempt}')
                self.timeline['fill'] += ops
                servers += [op.server_id for op in ops if op.done is not None]
                bad = report.ops_summary(ops).get('errors')
                if bad:
                    self.result.setdefault('fill_errors', []).extend(bad)
            if len(servers) < size:
                raise RuntimeError(f'only {len(servers)} of {size} servers became ACTIVE '
                                   f'to list them: {self.result.get("fill_errors")}')
            # The boot phase may have left more than a small size asks:
            # figures are filed under the count really listed.
            size = len(servers)
            if str(size) in self.result['list']:
                continue
            self.log(f'listing {size} servers')
            repeat = self.o.list_repeat if size <= 1000 else max(3, self.o.list_repeat // 4)
            figures = {}
            profiler = Profiler(self.o.workdir, self.o.profile)
            try:
                profiler.start(self.layout.pids(), f'list{size}')
                for query in LIST_QUERIES:
                    latencies, returned = self.load.time_get(query, repeat)
                    key = 'GET ' + query.replace('?limit=1000', ' limit=1000')
                    figures[key] = dict(stats.summary(latencies), returned=returned)
            finally:
                profiles = profiler.stop()
            if profiles:
                self.result.setdefault('profiles', {})[f'list{size}'] = profiles
            show = []
            for server_id in random.sample(servers, min(len(servers), self.o.show_repeat)):
                show += self.load.time_get(f'/servers/{server_id}', 1)[0]
            figures['GET /servers/{id}'] = stats.summary(show)
            self.result['list'][str(size)] = figures
        return servers

    def actions(self, servers):
        """Reboot, stop, start, resize, confirm and live-migrate
        ``--actions`` servers (C at a time), each action timed from its
        POST to its end state."""
        sample = servers[:self.o.actions]
        self.log(f'reboot, stop, start, resize, confirm and live-migrate '
                 f'{len(sample)} servers')
        client = self.load.client()
        if client.get(f'/flavors/{RESIZE_FLAVOR["id"]}').status_code == 404:
            resp = client.post('/flavors', json={'flavor': RESIZE_FLAVOR})
            if resp.status_code != 200:
                raise RuntimeError(f'creating flavor {RESIZE_FLAVOR["name"]}: '
                                   f'{resp.status_code} {resp.text[:300]}')

        def cycle(server_id):
            ops = []
            for name, body, until in ACTIONS:
                ops.append(self.load.action_one(server_id, name, body, until))
                if ops[-1].done is None:
                    break
            return ops

        done = [op for ops in self.load.run(sample, cycle) for op in ops]
        self.result['actions'] = {
            name: report.ops_summary([op for op in done if op.kind == name])
            for name, _, _ in ACTIONS}

    def delete(self, servers):
        self.log(f'deleting {len(servers)} servers')
        began = time.time()
        ops = self.load.delete(servers)
        self.result['delete'] = report.ops_summary(ops, began)
        self.timeline['delete'] = ops

    def after_run(self):
        self.result['costs']['after_run'] = costs.processes(self.layout.pids())

    def scheduling(self):
        """select_destinations at each ``--sched-hosts`` count (after the
        run's figures: the stand-in hosts stay until the end)."""
        if not hasattr(self.layout, 'confs'):
            self.result['scheduler']['by_hosts'] = {
                'not_measured': 'needs the daemons layout (a scheduler on the bus)'}
            return
        figures, profiles = scheduling.measure(
            self.layout, self.o.sched_hosts, self.o.sched_requests, self.log,
            self.o.profile)
        self.result['scheduler']['by_hosts'] = figures
        if profiles:
            self.result.setdefault('profiles', {}).update(profiles)

    def run(self, breaks=(RuntimeError,)):
        """The whole run; the layout is stopped whatever happens. A phase
        that fails with one of ``breaks`` ends the run with what was
        measured so far and the reason under ``error``."""
        try:
            self.start()
            rest = self.rest()
            # Sizes below N are listed before the boot phase, N and above
            # after it: each list sees the count it names.
            small = [n for n in self.o.list_sizes if n < self.o.servers]
            servers = self.lists([], small) if small else []
            before = costs.Moment(self.layout, 'before boot') if small else rest
            self.boot(before)
            servers += [op.server_id for op in self.boot_ops if op and op.done]
            large = [n for n in self.o.list_sizes if n >= self.o.servers]
            if large:
                self.lists(servers, large)
            if self.o.actions:
                self.actions(servers)
            self.delete(servers)
            self.after_run()
            if self.o.sched_hosts:
                self.scheduling()
        except breaks as exc:
            if self.layout is None or 'boot' not in self.result:
                raise
            self.result['error'] = str(exc)
        finally:
            if self.layout is not None:
                self.log('stopping the service')
                self.load_stop()
                with _uninterrupted():
                    self.layout.stop()
        self.result['targets'] = report.check_targets(self.result)
        self.result['timeline'] = self.timeline_json()
        return self.result

    def load_stop(self):
        load_ = getattr(self, 'load', None)
        if load_ is not None:
            load_.stop.set()

    def timeline_json(self):
        t0 = getattr(self, 't0', 0.0)
        out = {}
        for kind, ops in self.timeline.items():
            out[kind] = [[round(op.start - t0, 3),
                          None if op.request_done is None else round(op.request_done - t0, 3),
                          None if op.done is None else round(op.done - t0, 3)]
                         for op in ops if op is not None]
        return out
