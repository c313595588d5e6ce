"""nova.bench.probe: the counters a bench-started daemon carries."""

import json
import sys
import types

import pytest
import sqlalchemy

from nova.bench import probe


@pytest.fixture
def target_module(monkeypatch):
    module = types.ModuleType('bench_probe_target')

    def work(x):
        return x * 2

    class Thing:
        def method(self):
            return 'm'

        @staticmethod
        def static():
            return 's'

    module.work, module.Thing = work, Thing
    monkeypatch.setitem(sys.modules, 'bench_probe_target', module)
    return module


def test_timer_counts_calls_and_keeps_the_result(target_module):
    counters = probe.Counters()
    probe.install_timers(['x'], {'x.work': 'bench_probe_target.work'}, counters)
    assert target_module.work(3) == 6
    timer = counters.snapshot()['timers']['x.work']
    assert (timer['calls'], len(timer['samples'])) == (1, 1)


def test_timer_wraps_methods_and_staticmethods(target_module):
    counters = probe.Counters()
    probe.install_timers(['x'], {'x.m': 'bench_probe_target.Thing.method',
                                 'x.s': 'bench_probe_target.Thing.static'}, counters)
    assert (target_module.Thing().method(), target_module.Thing.static()) == ('m', 's')
    assert set(counters.snapshot()['timers']) == {'x.m', 'x.s'}


def test_timer_counts_a_call_that_raises(target_module):
    counters = probe.Counters()

    def fail():
        raise KeyError('boom')

    target_module.fail = fail
    probe.install_timers(['x'], {'x.fail': 'bench_probe_target.fail'}, counters)
    with pytest.raises(KeyError):
        target_module.fail()
    assert counters.snapshot()['timers']['x.fail']['calls'] == 1


def test_timers_of_other_daemons_are_not_installed(target_module):
    original = target_module.work
    probe.install_timers(['compute'], {'api.work': 'bench_probe_target.work'},
                         probe.Counters())
    assert target_module.work is original


def test_missing_callables_are_reported_not_fatal():
    missing = probe.install_timers(['x'], {'x.gone': 'bench_probe_target_absent.f',
                                           'x.attr': 'json.no_such_function'},
                                   probe.Counters())
    assert missing == ['x.gone', 'x.attr']


def test_every_timed_path_of_the_tree_exists():
    # A renamed function would silently drop its hop from the report.
    for name, path in probe.TIMED.items():
        owner, attr = probe._resolve(path)
        assert callable(getattr(owner, attr)), name


def test_db_counter_counts_statements_by_database_and_verb(tmp_path):
    counters = probe.Counters()
    undo = probe.install_db_counter(counters)
    try:
        engine = sqlalchemy.create_engine(f'sqlite:///{tmp_path}/x.sqlite')
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text('SELECT 1'))
            conn.execute(sqlalchemy.text('select 2'))
    finally:
        undo()
    counts = counters.snapshot()['counts']
    assert counts['db.by_database.x.sqlite'] == 2
    assert counts['db.by_verb.SELECT'] == 2


def test_writer_writes_a_newer_sequence_each_time(tmp_path):
    counters = probe.Counters()
    counters.add('rpc.casts', 3)
    writer = probe.Writer(str(tmp_path / 'p.json'), counters)
    writer.write()
    writer.write()
    data = json.loads((tmp_path / 'p.json').read_text())
    assert (data['seq'], data['counts']) == (2, {'rpc.casts': 3})


def test_parse_reads_out_hops_and_the_command():
    assert probe.parse(['o.json', '--hops', 'api,compute', '--', '-m', 'mod', 'a']) == \
        ('o.json', ['api', 'compute'], '-m', 'mod', ['a'])


@pytest.mark.parametrize('argv', [[], ['o.json'], ['o.json', '--', 'x.py'],
                                  ['o.json', '--bad', '--', '-c', 'pass']])
def test_parse_rejects_what_it_cannot_run(argv):
    with pytest.raises(ValueError, match='usage'):
        probe.parse(argv)


def test_rpc_counter_counts_casts_and_calls_by_method():
    import oslo_messaging as messaging

    import nova.conf
    counters = probe.Counters()
    transport = messaging.get_rpc_transport(nova.conf.CONF, url='fake://')
    undo = probe.install_rpc_counter(counters)
    try:
        client = messaging.get_rpc_client(transport, messaging.Target(topic='t'))
        client.cast({}, 'ping')
        with pytest.raises(messaging.MessagingTimeout):
            client.prepare(timeout=0.01).call({}, 'pong')
    finally:
        undo()
        transport.cleanup()
    counts = counters.snapshot()['counts']
    assert (counts['rpc.casts'], counts['rpc.calls'], counts['rpc.by_method.ping']) == \
        (1, 1, 1)


def test_main_runs_code_and_leaves_its_counters(tmp_path, monkeypatch):
    # The process-wide hooks are proven above; here they would outlive the test.
    for name in ('install_db_counter', 'install_rpc_counter', '_signal_writer'):
        monkeypatch.setattr(probe, name, lambda *a: None)
    monkeypatch.setattr(probe.atexit, 'register', lambda fn: None)
    out = tmp_path / 'p.json'
    with pytest.raises(SystemExit) as exit_info:
        probe.main([str(out), '--', '-c', 'import sys; sys.exit(7)'])
    assert exit_info.value.code == 7
    assert json.loads(out.read_text())['seq'] >= 1
