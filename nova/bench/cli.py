"""``tools/bench``: start the service, load it as clients do, report.

Writes OUT/report.json and OUT/report.png and prints the figures against
the targets. Exits 0 when every operation succeeded, 1 when some failed
(the report says which), 2 on bad arguments; times are never judged here.
"""

import argparse
import json
import os
import signal
import sys
import tempfile

import requests

from nova.bench import layouts, plot, report, run
from nova.tests.integration import deployment

# What a service that fails to start or to answer raises in the bench.
BREAKS = (*deployment.CLEANUP_ERRORS, AssertionError, requests.RequestException)


def _sizes(text):
    try:
        sizes = tuple(int(s) for s in text.split(',') if s.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'takes numbers separated by commas, not {text!r}') from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError('takes positive numbers')
    return sizes


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'expected a whole number, not {text!r}') from None
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be at least 1, not {value}')
    return value


def _option(text):
    """SECTION.OPTION=VALUE -> (section, option, value)."""
    name, sep, value = text.partition('=')
    section, dot, option = name.rpartition('.')
    if not sep or not dot or not section or not option:
        raise argparse.ArgumentTypeError(
            f'--set takes SECTION.OPTION=VALUE (e.g. DEFAULT.debug=true), not {text!r}')
    return section, option, value


def build_parser():
    parser = argparse.ArgumentParser(
        prog='tools/bench',
        description='Start the compute service, boot, list and delete servers '
                    'as clients do, and report latencies, throughput and costs.')
    parser.add_argument('--layout', choices=sorted(layouts.LAYOUTS), default='daemons',
                        help='all-in-one: nova-all in one process (SQLite, fake:// bus); '
                             'daemons: separate processes over RabbitMQ and MariaDB.')
    parser.add_argument('--hosts', type=_positive, default=10,
                        help='Fake compute hosts (all in one process).')
    parser.add_argument('--concurrency', '-c', type=_positive, default=10,
                        help='Clients working at once.')
    parser.add_argument('--servers', '-n', type=_positive, default=500,
                        help='Servers to boot in the boot phase.')
    parser.add_argument('--list-sizes', type=_sizes, default=(100, 1000),
                        help='Server counts to list at, comma-separated (more '
                             'servers are booted to reach them); "" skips lists.')
    parser.add_argument('--sched-hosts', type=_sizes, default=(10, 100, 1000),
                        help='Host counts to time select_destinations at after the '
                             'run, comma-separated (daemons layout; stand-in hosts '
                             'are added to reach them); "" skips it.')
    parser.add_argument('--sched-requests', type=_positive, default=30,
                        help='select_destinations calls timed per host count.')
    parser.add_argument('--list-repeat', type=_positive, default=20,
                        help='Requests per list query and size.')
    parser.add_argument('--actions', type=int, default=10,
                        help='Servers to reboot, stop, start, resize, confirm and '
                             'live-migrate (timed per action); 0 skips it.')
    parser.add_argument('--poll', type=float, default=0.5,
                        help='Seconds between two GET /servers/{id} of a client.')
    parser.add_argument('--idle', type=float, default=5.0,
                        help='Seconds of rest measured for the background rates.')
    parser.add_argument('--timeout', type=float, default=600.0,
                        help='Seconds a server may take to become ACTIVE or gone.')
    parser.add_argument('--set', type=_option, action='append', default=[],
                        metavar='SECTION.OPTION=VALUE',
                        help='A nova.conf option for every daemon (repeatable).')
    parser.add_argument('--profile', default='',
                        help='Daemons to record with py-spy during the boot phase, '
                             'comma-separated (daemons layout: api, conductor, '
                             'scheduler, computes, placement; all-in-one: nova-all).')
    parser.add_argument('--out', default='bench-out',
                        help='Directory for report.json, report.png and py-spy files.')
    parser.add_argument('--workdir',
                        help='Directory for the service\'s state and logs '
                             '(default: a new one under OUT).')
    return parser


def _conf(pairs):
    conf = {}
    for section, option, value in pairs:
        conf.setdefault(section, {})[option] = value
    return conf


def _terminate(signo, frame):
    # SIGTERM ends the run like Ctrl-C: the service is stopped first.
    raise KeyboardInterrupt()


def main(argv=None):
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.poll <= 0 or args.idle < 0 or args.timeout <= 0 or args.actions < 0:
        print('tools/bench: --poll and --timeout must be positive, --idle and '
              '--actions not negative', file=sys.stderr)
        return 2
    os.makedirs(args.out, exist_ok=True)
    workdir = args.workdir or tempfile.mkdtemp(prefix='work-', dir=args.out)
    options = run.Options(
        layout=args.layout, hosts=args.hosts, concurrency=args.concurrency,
        servers=args.servers, list_sizes=args.list_sizes,
        list_repeat=args.list_repeat, sched_hosts=args.sched_hosts,
        sched_requests=args.sched_requests, actions=args.actions, poll=args.poll, idle=args.idle,
        timeout=args.timeout, workdir=os.path.abspath(workdir), conf=_conf(args.set),
        profile=tuple(p for p in args.profile.split(',') if p))
    signal.signal(signal.SIGTERM, _terminate)
    bench = run.Bench(options, log=lambda msg: print(f'bench: {msg}', flush=True))
    try:
        result = bench.run(BREAKS)
    except KeyboardInterrupt:
        print('bench: interrupted; every process it started is stopped', file=sys.stderr)
        return 130
    except BREAKS as exc:  # the service did not start or answer: say why
        print(f'bench: failed: {exc}', file=sys.stderr)
        return 1
    path = os.path.join(args.out, 'report.json')
    with open(path, 'w') as f:
        json.dump(result, f, indent=1, default=str)
    png = os.path.join(args.out, 'report.png')
    drawn = plot.write(result, png)
    print(report.text_summary(result))
    print(f'bench: report {path}' + (f', plot {png}' if drawn else
                                     ' (no plot: matplotlib is not installed)'))
    phases = [result.get('boot', {}), result.get('delete', {}),
              *result.get('actions', {}).values()]
    failed = sum(phase.get('failed', 0) for phase in phases)
    if 'error' in result:
        print(f'bench: the run ended early: {result["error"]}', file=sys.stderr)
        return 1
    if failed:
        print(f'bench: {failed} operations failed; see "errors" in the report',
              file=sys.stderr)
        return 1
    return 0
