"""nova-all with H fake compute hosts, for the bench.

``python -m nova.bench.allinone --state-path DIR --hosts H --ready FILE
--api-port P --placement-port P --glance-port P`` runs
:class:`nova.all_in_one.stack.AllInOne` (what ``nova-all`` runs) with
hosts ``bench-1`` .. ``bench-H`` in this one process, maps them to cell1,
then writes FILE (JSON: the API URL and the image to boot) and serves
until SIGTERM.
"""

import argparse
import json
import os
import sys

from nova import context as nova_context
from nova import service
from nova.all_in_one import settings, stack
from nova.bench import computes
from nova.scheduler import host_discovery


def bench_conf(hosts, extra=None):
    """Options every bench layout runs with: room for many servers on
    the fake hosts and in the quotas, no debug logging, the default
    heartbeat (a benchmark measures the service as operators run it)."""
    conf = {
        'DEFAULT': {'debug': 'false', 'report_interval': '10',
                    'service_down_time': '60', 'periodic_fuzzy_delay': '0'},
        'quota': {'instances': '-1', 'cores': '-1', 'ram': '-1'},
        'compute': {'fake_vcpus': '4096', 'fake_memory_mb': str(4096 * 1024),
                    'fake_local_gb': str(1024 * 1024)},
        # A fixed IP per server: the default /24 holds 253.
        'network': {'fixed_range': '10.0.0.0/16'},
    }
    if hosts:
        conf['DEFAULT']['host'] = hosts[0]
    for section, options in (extra or {}).items():
        conf.setdefault(section, {}).update(options)
    return conf


def build_parser():
    parser = argparse.ArgumentParser(prog='nova-bench-allinone',
                                     description=__doc__.split('\n\n')[0])
    parser.add_argument('--state-path', required=True)
    parser.add_argument('--hosts', type=int, default=1)
    parser.add_argument('--ready', required=True,
                        help='File written (JSON) once every part serves.')
    parser.add_argument('--api-port', type=int, required=True)
    parser.add_argument('--placement-port', type=int, required=True)
    parser.add_argument('--glance-port', type=int, required=True)
    parser.add_argument('--conf-json', default='{}',
                        help='More options: {"section": {"option": "value"}}.')
    return parser


def main(argv=None):
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    hosts = computes.host_names(args.hosts)
    endpoints = settings.Endpoints('127.0.0.1', args.api_port,
                                   args.placement_port, args.glance_port)
    deployment = stack.AllInOne(args.state_path, endpoints, 'fake.FakeDriver',
                                extra=bench_conf(hosts, json.loads(args.conf_json)),
                                prog='nova-bench-allinone')
    deployment.configure()
    deployment.prepare()

    def discover():
        host_discovery.discover_hosts(nova_context.get_admin_context())

    def announce():
        tmp = args.ready + '.tmp'
        with open(tmp, 'w') as f:
            json.dump({'api_url': endpoints.api_url,
                       'placement_url': endpoints.placement_url,
                       'image': deployment.image, 'pid': os.getpid()}, f)
        os.replace(tmp, args.ready)

    # The first host is the stack's own nova-compute ([DEFAULT] host).
    extra = [service.Service.create('nova-compute', host=host) for host in hosts[1:]]
    deployment.run(extra + [stack.Part('host discovery', discover),
                            stack.Part('ready', announce)])
    return 0


if __name__ == '__main__':
    sys.exit(main())
