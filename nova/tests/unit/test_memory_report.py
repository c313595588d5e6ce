"""nova.memory_report: what a service's memory holds, for its log."""

import tracemalloc

from nova import memory_report


def test_without_tracing_it_counts_objects_by_type():
    held = [_Marker() for _ in range(50000)]
    report = memory_report.lines(top=10)
    assert report[0].startswith('objects tracked by gc: ')
    assert any(line.split()[-1] == '_Marker' and int(line.split()[0]) >=
               50000 for line in report[1:])
    assert held


def test_with_tracing_it_names_the_allocation_sites():
    tracemalloc.start()
    try:
        held = [bytes(1024) for _ in range(20000)]   # about 20 MiB here
        report = memory_report.lines(top=5)
    finally:
        tracemalloc.stop()
    assert report[0].startswith('traced: ')
    assert __file__ in report[1] and 'MiB' in report[1]
    assert held


class _Marker:
    pass
