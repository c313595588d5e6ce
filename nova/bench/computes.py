"""Many fake compute hosts in one process, as nova-compute would run each.

``python -m nova.bench.computes --hosts H [--prefix bench] --config-file F``
serves H ``nova-compute`` services, hosts ``bench-1`` .. ``bench-H``, each
with its own FakeDriver (one fake hypervisor per host), over the bus and
through nova-conductor exactly as ``nova-compute`` does.
"""

import argparse
import sys

from nova import config, service
from nova.cmd import compute as compute_cmd

CONF = config.CONF


def host_names(count, prefix='bench'):
    """``prefix-1`` .. ``prefix-count``."""
    if count < 1:
        raise ValueError(f'--hosts must be at least 1, not {count}')
    return [f'{prefix}-{i}' for i in range(1, count + 1)]


def build_parser():
    parser = argparse.ArgumentParser(
        prog='nova-bench-computes', description=__doc__.split('\n\n')[0])
    parser.add_argument('--hosts', type=int, required=True,
                        help='How many compute hosts to serve.')
    parser.add_argument('--prefix', default='bench',
                        help='Host names are PREFIX-1 .. PREFIX-H.')
    return parser


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args, rest = build_parser().parse_known_args(argv)
    try:
        hosts = host_names(args.hosts, args.prefix)
    except ValueError as exc:
        print(f'nova-bench-computes: {exc}', file=sys.stderr)
        return 2
    config.parse_args(['nova-compute', *rest], configure_db=False)
    api = compute_cmd.use_conductor_for_objects()
    compute_cmd.wait_for_conductor(api, hosts[0])
    service.run([service.Service.create('nova-compute', host=host)
                 for host in hosts])
    return 0


if __name__ == '__main__':
    sys.exit(main())
