"""nova.bench.report: figures, targets and tables from a run's records."""

import pytest

from nova.bench import load, report


def _report(**over):
    result = {
        'meta': {'layout': 'daemons', 'hosts': 10, 'concurrency': 10, 'servers': 3},
        'boot': {'ok': 3, 'failed': 0, 'per_s_sustained': 12.0,
                 'latency_s': {'count': 3, 'p50': 1.0, 'p95': 2.0, 'p99': 2.0},
                 'request_latency_s': {'count': 3, 'p50': 0.15}},
        'list': {'100': {'GET /servers/detail': {'p50': 0.05},
                         'GET /servers/{id}': {'p50': 0.5}},
                 '1000': {'GET /servers/detail': {'p50': 0.25},
                          'GET /servers/{id}': {'p50': 0.01}}},
        'scheduler': {'select_destinations_p50_ms': 30.0},
        'costs': {'per_boot': {'db_statements': 50.0, 'rpc_messages': 12.0},
                  'after_run': {'api': {'rss_mib': 100.0}, 'conductor': {'rss_mib': 110.0},
                                'placement': {'rss_mib': 500.0}}},
    }
    result.update(over)
    return result


def _met(result):
    return {row['figure']: row['met'] for row in report.check_targets(result)}


def test_targets_compare_each_figure_in_its_direction():
    met = _met(_report())
    assert met == {
        'boot_servers_per_s': True,            # 12 >= 10
        'post_servers_p50_ms': False,          # 150 > 100
        'detail_1000_p50_ms': True,            # 250 <= 300
        'show_p50_ms': True,                   # at the largest size: 10 ms
        'select_destinations_1000_hosts_p50_ms': None,  # 10 hosts, not 1,000
        'max_daemon_rss_after_mib': True,      # Placement is not ours
        'db_statements_per_boot': False,
        'rpc_messages_per_boot': True,         # the bound is inclusive
    }


def test_select_destinations_counts_only_with_1000_hosts():
    result = _report()
    result['meta']['hosts'] = 1000
    assert _met(result)['select_destinations_1000_hosts_p50_ms'] is True


def test_a_phase_not_run_is_not_measured_rather_than_missed():
    result = _report()
    del result['list']
    assert _met(result)['detail_1000_p50_ms'] is None


def test_targets_table_is_an_rst_list_table_with_every_target():
    table = report.targets_table(_report())
    assert table.startswith('.. list-table::')
    assert table.count('   * - ') == len(report.TARGETS) + 1
    assert '**no**' in table and 'not measured' in table


def test_ops_summary_counts_failures_with_their_reasons():
    ok = load.Op('boot', 's1', start=0.0, request_done=0.1, done=1.0, status='ACTIVE')
    bad = load.Op('boot', 's2', start=0.0, request_done=0.1, status='ERROR',
                  error='No valid host')
    summary = report.ops_summary([ok, bad], 0.0)
    assert (summary['ok'], summary['failed']) == (1, 1)
    assert summary['errors'] == ['ERROR: No valid host']
    assert summary['latency_s']['p50'] == 1.0


def test_hop_split_is_per_boot_and_per_call():
    split = report.hop_split({'compute.spawn': [0.1, 0.3], 'idle': []}, boots=2)
    assert split == {'compute.spawn': {'calls': 2, 'per_boot_ms': pytest.approx(200.0),
                                       'p50_ms': pytest.approx(200.0),
                                       'p95_ms': pytest.approx(290.0)}}


def test_text_summary_names_missed_targets():
    assert 'MISSED' in report.text_summary(_report())


def test_boot_costs_leave_out_the_clients_polling_when_measured():
    result = _report()
    result['costs']['per_boot']['without_polls'] = {'db_statements': 30.0,
                                                    'rpc_messages': 12.0}
    assert _met(result)['db_statements_per_boot'] is True


def test_select_destinations_target_uses_the_1000_stand_in_hosts():
    result = _report()
    result['scheduler']['by_hosts'] = {
        '10': {'select_destinations_p50_ms': 20.0, 'round_trip_ms': {'p50': 25.0}},
        '1000': {'select_destinations_p50_ms': 70.0, 'round_trip_ms': {'p50': 80.0}}}
    assert report.figures(result)['select_destinations_1000_hosts_p50_ms'] == 70.0
    assert _met(result)['select_destinations_1000_hosts_p50_ms'] is False
    assert 'select_destinations with 1000 hosts: p50 70.0 ms' in \
        report.text_summary(result)
