"""Numbers from samples: percentiles, rates and time series."""

import math


def percentile(samples, pct):
    """The ``pct`` percentile (0..100) of ``samples``, interpolated
    linearly between the closest ranks; None when there is none."""
    values = sorted(samples)
    if not values:
        return None
    if not 0 <= pct <= 100:
        raise ValueError(f'percentile must be within 0..100, not {pct}')
    rank = (len(values) - 1) * pct / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    return values[low] + (values[high] - values[low]) * (rank - low)


def summary(samples):
    """count, p50, p95, p99, mean, min and max of ``samples`` (seconds)."""
    values = list(samples)
    if not values:
        return {'count': 0}
    return {'count': len(values),
            'p50': percentile(values, 50), 'p95': percentile(values, 95),
            'p99': percentile(values, 99),
            'mean': sum(values) / len(values),
            'min': min(values), 'max': max(values)}


def overall_rate(start, ends):
    """Completions per second from ``start`` to the last of ``ends``."""
    ends = sorted(ends)
    if not ends or ends[-1] <= start:
        return None
    return len(ends) / (ends[-1] - start)


def sustained_rate(ends, trim=0.1):
    """Completions per second between the ``trim`` and ``1 - trim``
    quantiles of the completion times: the steady rate, without the
    ramp-up while the first servers build and the tail of the last."""
    ends = sorted(ends)
    if len(ends) < 2:
        return None
    first = int(len(ends) * trim)
    last = max(first + 1, math.ceil(len(ends) * (1 - trim)) - 1)
    last = min(last, len(ends) - 1)
    span = ends[last] - ends[first]
    if span <= 0:
        return None
    return (last - first) / span


def per_second(times, start, width=1.0):
    """Counts of ``times`` in consecutive bins of ``width`` seconds from
    ``start``: [(bin start relative to ``start``, count), ...]."""
    rel = sorted(t - start for t in times if t >= start)
    if not rel:
        return []
    bins = [0] * (int(rel[-1] // width) + 1)
    for t in rel:
        bins[int(t // width)] += 1
    return [(i * width, n) for i, n in enumerate(bins)]


def delta(before, after):
    """``after - before`` for each numeric key of ``after`` (a missing
    key in ``before`` counts as 0)."""
    return {k: v - before.get(k, 0) for k, v in after.items()
            if isinstance(v, (int, float))}
