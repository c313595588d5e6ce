"""tools/bench's command line: bad input is refused with the reason."""

import pytest

from nova.bench import allinone, cli, computes, layouts, run


def _error(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def test_unknown_layout_is_refused(capsys):
    assert 'invalid choice' in _error(capsys, ['--layout', 'cloud'])


def test_zero_servers_is_refused_with_the_reason(capsys):
    assert 'must be at least 1' in _error(capsys, ['--servers', '0'])


def test_list_sizes_must_be_numbers(capsys):
    assert 'numbers separated by commas' in _error(capsys, ['--list-sizes', '100,many'])


def test_set_needs_section_option_and_value(capsys):
    assert 'SECTION.OPTION=VALUE' in _error(capsys, ['--set', 'debug=true'])


def test_a_negative_poll_is_refused(capsys):
    assert cli.main(['--poll', '0']) == 2
    assert '--poll' in capsys.readouterr().err


def test_set_options_are_grouped_by_section():
    args = cli.build_parser().parse_args(
        ['--set', 'DEFAULT.debug=true', '--set', 'quota.instances=5',
         '--set', 'filter_scheduler.enabled_filters=A,B'])
    assert cli._conf(args.set) == {'DEFAULT': {'debug': 'true'},
                                  'quota': {'instances': '5'},
                                  'filter_scheduler': {'enabled_filters': 'A,B'}}


def test_an_empty_list_sizes_skips_the_list_phase():
    assert cli.build_parser().parse_args(['--list-sizes', '']).list_sizes == ()


def test_compute_hosts_are_numbered_from_one():
    assert computes.host_names(3) == ['bench-1', 'bench-2', 'bench-3']


def test_no_compute_host_is_refused():
    with pytest.raises(ValueError, match='at least 1'):
        computes.host_names(0)


def test_bench_conf_lets_operator_options_win():
    conf = allinone.bench_conf(['bench-1'], {'DEFAULT': {'debug': 'true'}})
    assert conf['DEFAULT']['debug'] == 'true'
    assert conf['DEFAULT']['host'] == 'bench-1'
    assert conf['quota']['instances'] == '-1'


def test_probed_argv_runs_the_daemon_under_the_probe():
    assert layouts.probed(['py', '-c', 'code', '--x'], 'o.json', 'api') == \
        ['py', '-m', 'nova.bench.probe', 'o.json', '--hops', 'api', '--', '-c', 'code', '--x']


def test_top_frames_ranks_py_spy_folded_stacks(tmp_path):
    path = tmp_path / 'raw.txt'
    path.write_text('main;a;b 3\nmain;a;c 1\nmain;b 4\n')
    assert run.top_frames(str(path)) == [('b', 7 / 8), ('c', 1 / 8)]


def test_negative_actions_are_refused(capsys):
    assert cli.main(['--actions', '-1']) == 2
    assert '--actions' in capsys.readouterr().err


def test_top_frames_can_rank_the_deepest_frame_of_our_code(tmp_path):
    path = tmp_path / 'raw.txt'
    path.write_text('t (x.py:1);f (nova/api.py:3);g (lib.py:9) 3\n'
                    't (x.py:1);w (nova/bench/probe.py:1) 1\n')
    assert run.top_frames(str(path), where='(nova/') == [('f (nova/api.py:3)', 3 / 4)]


def test_stopping_the_service_is_not_interrupted_by_ctrl_c():
    import signal
    before = signal.getsignal(signal.SIGINT)
    with run._uninterrupted():
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    assert signal.getsignal(signal.SIGINT) is before


def test_sched_hosts_default_to_the_three_sizes_and_can_be_skipped():
    parser = cli.build_parser()
    assert parser.parse_args([]).sched_hosts == (10, 100, 1000)
    assert parser.parse_args(['--sched-hosts', '']).sched_hosts == ()
