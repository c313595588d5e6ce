"""nova.bench.stats: the arithmetic behind every figure of the report."""

import pytest

from nova.bench import stats


def test_percentile_interpolates_between_ranks():
    assert stats.percentile([4, 1, 3, 2], 50) == 2.5


def test_percentile_of_extremes_is_min_and_max():
    values = [5, 9, 1]
    assert (stats.percentile(values, 0), stats.percentile(values, 100)) == (1, 9)


def test_percentile_of_nothing_is_none():
    assert stats.percentile([], 50) is None


def test_percentile_out_of_range_says_so():
    with pytest.raises(ValueError, match='within 0..100'):
        stats.percentile([1], 101)


def test_summary_has_the_percentiles_the_report_shows():
    summary = stats.summary(range(1, 101))
    assert (summary['count'], summary['p50'], summary['p99'], summary['max']) == \
        (100, 50.5, pytest.approx(99.01), 100)


def test_summary_of_nothing_is_a_zero_count():
    assert stats.summary([]) == {'count': 0}


def test_overall_rate_counts_from_the_start():
    assert stats.overall_rate(0.0, [1.0, 2.0, 4.0]) == 0.75


def test_sustained_rate_ignores_ramp_up_and_tail():
    # 100 completions at 10/s, after a slow first one and before a slow last.
    ends = [0.0] + [10.0 + i * 0.1 for i in range(98)] + [60.0]
    assert stats.sustained_rate(ends) == pytest.approx(10.0)


def test_sustained_rate_needs_two_completions():
    assert stats.sustained_rate([1.0]) is None


def test_per_second_bins_completions():
    assert stats.per_second([10.1, 10.2, 12.5], 10.0) == [(0.0, 2), (1.0, 0), (2.0, 1)]


def test_delta_treats_a_new_counter_as_grown_from_zero():
    assert stats.delta({'a': 1}, {'a': 5, 'b': 2}) == {'a': 4, 'b': 2}
