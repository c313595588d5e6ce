"""What the service costs: memory and CPU per daemon, DB statements and
RPC messages (from the probes), between two moments of a run."""

import psutil

from nova.bench import stats

MIB = 1024 * 1024
# Processes that are peers, not nova: their costs are shown apart.
PEERS = ('placement',)


def processes(pids):
    """{name: {'rss_mib', 'cpu_s'}} of each live pid (user + system CPU)."""
    out = {}
    for name, pid in pids.items():
        try:
            proc = psutil.Process(pid)
            with proc.oneshot():
                cpu = proc.cpu_times()
                out[name] = {'rss_mib': proc.memory_info().rss / MIB,
                             'cpu_s': cpu.user + cpu.system}
        except psutil.Error:
            continue
    return out


def _is_placement_db(counter):
    return counter.startswith('db.by_database.') and 'placement' in counter


def nova_counts(probe_snapshots):
    """{'db_statements', 'rpc_messages', 'rpc_casts', 'rpc_calls',
    'placement_db_statements'} summed over nova's daemons.

    A call is two messages (request and reply), a cast one. Statements on
    Placement's DB are Placement's, even in nova-all's process.
    """
    totals = dict.fromkeys(('db_statements', 'rpc_casts', 'rpc_calls',
                            'placement_db_statements'), 0)
    for name, snap in probe_snapshots.items():
        counts = snap.get('counts', {})
        placement = sum(v for k, v in counts.items() if _is_placement_db(k))
        if name in PEERS:
            totals['placement_db_statements'] += counts.get('db.statements', 0)
            continue
        totals['placement_db_statements'] += placement
        totals['db_statements'] += counts.get('db.statements', 0) - placement
        totals['rpc_casts'] += counts.get('rpc.casts', 0)
        totals['rpc_calls'] += counts.get('rpc.calls', 0)
    totals['rpc_messages'] = totals['rpc_casts'] + 2 * totals['rpc_calls']
    return totals


def by_prefix(probe_snapshots, prefix):
    """{daemon: {key without prefix: count}} of counters under ``prefix``."""
    return {name: {k[len(prefix):]: v for k, v in snap.get('counts', {}).items()
                   if k.startswith(prefix)}
            for name, snap in probe_snapshots.items()}


def timer_samples(before, after):
    """{timer: durations} of the calls made between two probe snapshots
    (of all daemons)."""
    out = {}
    for name, snap in after.items():
        old = before.get(name, {}).get('timers', {})
        for timer, data in snap.get('timers', {}).items():
            start = len(old.get(timer, {}).get('samples', ()))
            out.setdefault(timer, []).extend(data.get('samples', ())[start:])
    return out


def _per_unit_counts(before, after, prefix, units):
    """{key: growth / units} of the counters under ``prefix``, summed over
    nova's daemons (not the peers)."""
    old = by_prefix(before, prefix)
    out = {}
    for name, counts in by_prefix(after, prefix).items():
        if name in PEERS:
            continue
        for key, n in counts.items():
            n -= old.get(name, {}).get(key, 0)
            if n:
                out[key] = out.get(key, 0) + n / units
    return out


class Moment:
    """Everything measured at one instant of the run."""

    def __init__(self, layout, label):
        self.label = label
        self.processes = processes(layout.pids())
        self.probes = layout.probes()
        self.counts = nova_counts(self.probes)
        self.questions = layout.db_server_questions()

    def per_unit(self, later, units, idle=None, seconds=0.0):
        """Costs from this moment to ``later`` divided by ``units``; with
        ``idle`` (rates per second at rest), also what remains after
        taking off ``seconds`` of idle activity."""
        counts = stats.delta(self.counts, later.counts)
        cpu = {name: later.processes[name]['cpu_s'] - p['cpu_s']
               for name, p in self.processes.items() if name in later.processes}
        out = {'units': units,
               'db_statements': counts['db_statements'] / units,
               'placement_db_statements': counts['placement_db_statements'] / units,
               'rpc_messages': counts['rpc_messages'] / units,
               'rpc_casts': counts['rpc_casts'] / units,
               'rpc_calls': counts['rpc_calls'] / units,
               'cpu_s': {name: v / units for name, v in cpu.items()}}
        if self.questions is not None and later.questions is not None:
            out['mariadb_server_questions'] = (later.questions - self.questions) / units
        if idle:
            out['idle_corrected'] = {
                key: max(0.0, out[key] - idle.get(key, 0.0) * seconds / units)
                for key in ('db_statements', 'rpc_messages')}
        out['rpc_by_method'] = _per_unit_counts(self.probes, later.probes,
                                                'rpc.by_method.', units)
        out['db_by_verb'] = _per_unit_counts(self.probes, later.probes, 'db.by_verb.', units)
        out['db_statements_by_daemon'] = {
            name: (snap.get('counts', {}).get('db.statements', 0)
                   - self.probes.get(name, {}).get('counts', {}).get('db.statements', 0))
            / units
            for name, snap in later.probes.items()}
        return out

    def rates(self, later):
        """Per-second rates from this moment to ``later`` (at rest)."""
        seconds = max(1e-6, later.probes_time() - self.probes_time())
        counts = stats.delta(self.counts, later.counts)
        return {'seconds': seconds,
                'db_statements': counts['db_statements'] / seconds,
                'rpc_messages': counts['rpc_messages'] / seconds}

    def probes_time(self):
        times = [snap.get('time', 0.0) for snap in self.probes.values()]
        return max(times) if times else 0.0
