"""nova.bench.costs: counters summed over daemons, per boot."""

import os

import pytest

from nova.bench import costs


def _snap(counts=None, timers=None, t=0.0):
    return {'counts': counts or {}, 'timers': timers or {}, 'time': t}


def test_nova_counts_leave_placement_out_even_in_one_process():
    snaps = {
        'nova-all': _snap({'db.statements': 10, 'db.by_database.placement.sqlite': 4,
                           'rpc.casts': 2, 'rpc.calls': 1}),
        'placement': _snap({'db.statements': 7}),
    }
    assert costs.nova_counts(snaps) == {
        'db_statements': 6, 'placement_db_statements': 11,
        'rpc_casts': 2, 'rpc_calls': 1, 'rpc_messages': 4}


def test_timer_samples_are_those_of_the_calls_between_snapshots():
    before = {'api': _snap(timers={'api.create': {'samples': [1.0]}})}
    after = {'api': _snap(timers={'api.create': {'samples': [1.0, 2.0, 3.0]},
                                  'api.new': {'samples': [4.0]}})}
    assert costs.timer_samples(before, after) == {'api.create': [2.0, 3.0],
                                                  'api.new': [4.0]}


def _moment(counts, t, cpu=1.0, questions=None):
    moment = costs.Moment.__new__(costs.Moment)
    moment.probes = {'conductor': _snap(counts, t=t)}
    moment.counts = costs.nova_counts(moment.probes)
    moment.processes = {'conductor': {'rss_mib': 80.0, 'cpu_s': cpu}}
    moment.questions = questions
    return moment


def test_per_unit_divides_by_boots_and_takes_off_idle_activity():
    before = _moment({'db.statements': 100, 'rpc.casts': 0}, 0.0, cpu=1.0, questions=5)
    after = _moment({'db.statements': 300, 'rpc.casts': 20,
                     'rpc.by_method.build_and_run_instance': 10}, 10.0, cpu=3.0,
                    questions=405)
    out = before.per_unit(after, 10, idle={'db_statements': 5.0}, seconds=10.0)
    assert (out['db_statements'], out['rpc_messages'], out['cpu_s']) == \
        (20.0, 2.0, {'conductor': pytest.approx(0.2)})
    assert out['idle_corrected']['db_statements'] == 15.0
    assert out['mariadb_server_questions'] == 40.0
    assert out['rpc_by_method'] == {'build_and_run_instance': 1.0}
    assert out['db_statements_by_daemon'] == {'conductor': 20.0}


def test_rates_are_per_second_of_probe_time():
    rates = _moment({'db.statements': 10}, 100.0).rates(
        _moment({'db.statements': 30}, 110.0))
    assert rates['db_statements'] == 2.0


def test_processes_measures_live_pids_and_skips_gone_ones():
    out = costs.processes({'me': os.getpid(), 'gone': 2 ** 22 + 1})
    assert list(out) == ['me'] and out['me']['rss_mib'] > 1
