"""What a service's memory holds, written to its log on demand.

``kill -USR2 <pid>`` logs the largest allocation sites when the process
runs with tracemalloc (``PYTHONTRACEMALLOC=<frames>`` in its
environment; it costs CPU and memory), and the most numerous object
types otherwise. A service that traces also logs them when it stops, so
that a benchmark or a test run leaves them in the log.
"""

import collections
import gc
import tracemalloc

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

TOP = 25


def lines(top=TOP):
    """The report: allocation sites (tracemalloc) or object counts."""
    if tracemalloc.is_tracing():
        snapshot = tracemalloc.take_snapshot().filter_traces((
            tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, '<frozen importlib._bootstrap>'),
        ))
        stats = snapshot.statistics('lineno')
        total = sum(s.size for s in stats)
        report = [f'traced: {total / 2**20:.1f} MiB in {len(stats)} sites']
        report += [f'{s.size / 2**20:8.2f} MiB {s.count:8d} blocks '
                   f'{s.traceback.format()[0].strip()}'
                   for s in stats[:top]]
        return report
    counts = collections.Counter(type(o).__name__ for o in gc.get_objects())
    report = [(f'objects tracked by gc: {sum(counts.values())} '
              '(start with PYTHONTRACEMALLOC=1 for allocation sites)')]
    report += [f'{n:9d} {name}' for name, n in counts.most_common(top)]
    return report


def log(reason):
    for line in [f'Memory report ({reason}):'] + lines():
        LOG.info('%s', line)
