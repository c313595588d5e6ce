"""nova.bench.plot draws a report (when matplotlib is installed)."""

import pytest

from nova.bench import plot


def test_a_report_is_drawn_as_a_png(tmp_path):
    if not plot.available():
        pytest.skip('matplotlib is not installed')
    result = {'meta': {'layout': 'daemons', 'hosts': 2, 'concurrency': 2,
                       'servers': 2, 'date': 'today'},
              'timeline': {'boot': [[0.0, 0.1, 1.0], [0.1, 0.2, None]],
                           'delete': [[2.0, 2.1, 2.6]]},
              'hops': {'compute.spawn': {'per_boot_ms': 1.0}},
              'list': {'100': {'GET /servers': {'p50': 0.01}}}}
    path = tmp_path / 'r.png'
    assert plot.write(result, str(path))
    assert path.read_bytes().startswith(b'\x89PNG')
