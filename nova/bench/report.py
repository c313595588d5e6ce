"""The bench's report: figures from the records, targets, and tables."""

from nova.bench import stats

# The targets (separate daemons over RabbitMQ and MariaDB, fake
# driver, 10 hosts, concurrency 10): (figure, what, comparison, target).
TARGETS = (
    ('boot_servers_per_s', 'servers/s sustained, POST to ACTIVE', '>=', 10.0),
    ('post_servers_p50_ms', 'POST /servers p50 (ms)', '<=', 100.0),
    ('detail_1000_p50_ms', 'GET /servers/detail, 1,000 servers, p50 (ms)', '<=', 300.0),
    ('show_p50_ms', 'GET /servers/{id} p50 (ms)', '<=', 20.0),
    ('select_destinations_1000_hosts_p50_ms',
     'select_destinations p50, 1,000 hosts, Placement included (ms)', '<=', 50.0),
    ('max_daemon_rss_after_mib', 'largest RSS of a nova daemon after the run (MiB)',
     '<=', 120.0),
    ('db_statements_per_boot', 'DB statements per boot (nova\'s DBs)', '<=', 40.0),
    ('rpc_messages_per_boot', 'RPC messages per boot', '<=', 12.0),
)


def ms(seconds):
    return None if seconds is None else seconds * 1000.0


def ops_summary(ops, start=None):
    """Latencies and rates of a list of load.Op."""
    done = [op for op in ops if op is not None and op.done is not None]
    failed = [op for op in ops if op is None or op.done is None]
    start = start if start is not None else min((op.start for op in done), default=0.0)
    out = {'count': len(ops), 'ok': len(done), 'failed': len(failed),
           'latency_s': stats.summary(op.latency for op in done),
           'request_latency_s': stats.summary(op.request_latency for op in done),
           'per_s_overall': stats.overall_rate(start, [op.done for op in done]),
           'per_s_sustained': stats.sustained_rate([op.done for op in done])}
    if failed:
        out['errors'] = sorted({f'{op.status}: {op.error}' for op in failed
                                if op is not None})[:10]
    return out


def hop_split(samples, boots):
    """{hop: {'calls', 'per_boot_ms', 'p50_ms', 'p95_ms'}} from the timer
    samples of the boot phase."""
    out = {}
    for name, values in sorted(samples.items()):
        if not values:
            continue
        out[name] = {'calls': len(values),
                     'per_boot_ms': ms(sum(values) / boots) if boots else None,
                     'p50_ms': ms(stats.percentile(values, 50)),
                     'p95_ms': ms(stats.percentile(values, 95))}
    return out


def _get(report, *path):
    node = report
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _boot_cost(report, key):
    """A boot's own cost: without the clients' polling when it is known."""
    own = _get(report, 'costs', 'per_boot', 'without_polls', key)
    return own if own is not None else _get(report, 'costs', 'per_boot', key)


def figures(report):
    """The figures the targets are about, from a report (None = not measured)."""
    lists = report.get('list', {})
    detail_1000 = _get(lists, '1000', 'GET /servers/detail', 'p50')
    largest = max(lists, key=int) if lists else None
    show = _get(lists, largest, 'GET /servers/{id}', 'p50') if largest else None
    sched = _get(report, 'scheduler', 'by_hosts', '1000', 'select_destinations_p50_ms')
    if sched is None and report.get('meta', {}).get('hosts') == 1000:
        sched = _get(report, 'scheduler', 'select_destinations_p50_ms')
    daemons = _get(report, 'costs', 'after_run') or {}
    rss = [p['rss_mib'] for name, p in daemons.items() if name != 'placement']
    return {
        'boot_servers_per_s': _get(report, 'boot', 'per_s_sustained'),
        'post_servers_p50_ms': ms(_get(report, 'boot', 'request_latency_s', 'p50')),
        'detail_1000_p50_ms': ms(detail_1000),
        'show_p50_ms': ms(show),
        'select_destinations_1000_hosts_p50_ms': sched,
        'max_daemon_rss_after_mib': max(rss) if rss else None,
        'db_statements_per_boot': _boot_cost(report, 'db_statements'),
        'rpc_messages_per_boot': _boot_cost(report, 'rpc_messages'),
    }


def check_targets(report):
    """[{'figure', 'what', 'target', 'measured', 'met'}]; ``met`` is None
    when the figure was not measured in this run."""
    values = figures(report)
    out = []
    for key, what, op, target in TARGETS:
        value = values.get(key)
        met = None if value is None else (value >= target if op == '>=' else value <= target)
        out.append({'figure': key, 'what': what, 'target': f'{op} {target:g}',
                    'measured': value, 'met': met})
    return out


def _fmt(value):
    if value is None:
        return 'not measured'
    return f'{value:.3g}' if abs(value) < 100 else f'{value:.0f}'


def targets_table(report):
    """The targets as an reStructuredText list-table (for the doc page)."""
    lines = ['.. list-table::', '   :header-rows: 1', '',
             '   * - figure', '     - target', '     - measured', '     - met']
    for row in check_targets(report):
        met = {True: 'yes', False: '**no**', None: '—'}[row['met']]
        lines += [f'   * - {row["what"]}', f'     - {row["target"]}',
                  f'     - {_fmt(row["measured"])}', f'     - {met}']
    return '\n'.join(lines)


def text_summary(report):
    """A few lines for the terminal."""
    meta = report['meta']
    boot = report.get('boot', {})
    lines = [(f'layout {meta["layout"]}, {meta["hosts"]} hosts, concurrency '
              f'{meta["concurrency"]}, {meta["servers"]} servers '
              f'({boot.get("ok", 0)} active, {boot.get("failed", 0)} failed)')]
    lat = boot.get('latency_s', {})
    if lat.get('count'):
        lines.append('boot POST to ACTIVE: p50 {:.2f} s, p95 {:.2f} s, p99 {:.2f} s'.format(
            lat['p50'], lat['p95'], lat['p99']))
    for name, summary in report.get('actions', {}).items():
        p50 = summary.get('latency_s', {}).get('p50')
        if p50 is not None:
            lines.append(f'{name}: p50 {p50:.2f} s ({summary["failed"]} failed)')
    for size, figures_ in report.get('scheduler', {}).get('by_hosts', {}).items():
        if isinstance(figures_, dict) and figures_.get('select_destinations_p50_ms'):
            lines.append(f'select_destinations with {size} hosts: p50 '
                         f'{figures_["select_destinations_p50_ms"]:.1f} ms in the '
                         f'scheduler, {figures_["round_trip_ms"]["p50"]:.1f} ms round trip')
    for row in check_targets(report):
        met = {True: 'met', False: 'MISSED', None: 'not measured'}[row['met']]
        lines.append(f'  {row["what"]}: {_fmt(row["measured"])} '
                     f'(target {row["target"]}) {met}')
    return '\n'.join(lines)
