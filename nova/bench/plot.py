"""The report as a PNG: latency distributions, throughput over time, the
hop split and the list latencies (matplotlib, no display needed)."""

from nova.bench import stats


def available():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _cdf(ax, values, label):
    values = sorted(v for v in values if v is not None)
    if not values:
        return
    n = len(values)
    ax.step(values, [(i + 1) / n for i in range(n)], where='post', label=label)


def write(result, path):
    """Draw ``result`` (a bench report) to ``path``; False without matplotlib."""
    if not available():
        return False
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.ticker
    from matplotlib import pyplot

    timeline = result.get('timeline', {})
    fig, axes = pyplot.subplots(2, 2, figsize=(13, 9))
    meta = result['meta']
    fig.suptitle(f'nova bench: {meta["layout"]}, {meta["hosts"]} hosts, '
                 f'concurrency {meta["concurrency"]}, {meta["servers"]} servers '
                 f'({meta["date"]})')

    ax = axes[0][0]
    boots = timeline.get('boot', [])
    _cdf(ax, [d - s for s, _, d in boots if d is not None], 'boot: POST to ACTIVE')
    _cdf(ax, [r - s for s, r, _ in boots if r is not None], 'POST /servers answer')
    deletes = timeline.get('delete', [])
    _cdf(ax, [d - s for s, _, d in deletes if d is not None], 'delete: DELETE to 404')
    ax.set_xscale('log')
    ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter('%g'))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel('seconds (log)')
    ax.set_ylabel('fraction of operations')
    ax.set_title('Latency distributions')
    ax.grid(True, alpha=0.3)
    ax.legend()

    ax = axes[0][1]
    for kind, label in (('boot', 'ACTIVE/s (boot)'), ('fill', 'ACTIVE/s (list fill)'),
                        ('delete', 'gone/s (delete)')):
        ends = [d for _, _, d in timeline.get(kind, []) if d is not None]
        series = stats.per_second(ends, 0.0)
        if series:
            ax.plot([t for t, _ in series], [n for _, n in series], label=label)
    ax.set_xlabel('seconds since the first boot')
    ax.set_ylabel('servers per second')
    ax.set_title('Throughput over time')
    ax.grid(True, alpha=0.3)
    ax.legend()

    ax = axes[1][0]
    hops = result.get('hops', {})
    names = [n for n in hops if hops[n].get('per_boot_ms') is not None]
    ax.barh(names, [hops[n]['per_boot_ms'] for n in names])
    ax.set_xlabel('ms per boot (sum over calls / boots)')
    ax.set_title('Where a boot spends its time (service timers)')
    ax.invert_yaxis()

    ax = axes[1][1]
    lists = result.get('list', {})
    sizes = sorted(lists, key=int)
    queries = sorted({q for s in sizes for q in lists[s]})
    width = 0.8 / max(1, len(sizes))
    for i, size in enumerate(sizes):
        values = [(lists[size].get(q) or {}).get('p50') or 0 for q in queries]
        ax.barh([j + i * width for j in range(len(queries))],
                [v * 1000 for v in values], height=width, label=f'{size} servers')
    ax.set_yticks([j + width * (len(sizes) - 1) / 2 for j in range(len(queries))])
    ax.set_yticklabels(queries)
    ax.set_xlabel('p50 latency (ms)')
    ax.set_title('List and show')
    ax.invert_yaxis()
    if sizes:
        ax.legend()

    fig.tight_layout()
    fig.savefig(path, dpi=90)
    pyplot.close(fig)
    return True
