"""nova-all: the whole compute service on one machine, in one process.

Runs the API, conductor, scheduler and one compute (host = [DEFAULT]
host) over the in-process ``fake://`` bus, the real Placement in process
and the real Glance as a child process, each with its own SQLite DB under
the state directory. Set-up is idempotent: a second start keeps the data.
"""

import argparse
import os
import sys

from oslo_log import log as logging

from nova.all_in_one import settings, stack, virt
from nova.cmd import log_options

LOG = logging.getLogger(__name__)
DEFAULT_STATE_PATH = os.path.join(os.path.expanduser('~'), '.local', 'share', 'nova')


def build_parser():
    parser = argparse.ArgumentParser(
        prog='nova-all', description=__doc__.split('\n\n')[0])
    parser.add_argument('--state-path', metavar='DIR',
                        help='Directory for every DB, image, log and the '
                             'nova.conf this run uses (default: [DEFAULT] '
                             f'state_path, else {DEFAULT_STATE_PATH}).')
    parser.add_argument('--virt', choices=('fake', 'libvirt'),
                        help='Virt driver; default: libvirt where libvirtd '
                             'answers on qemu:///system, else fake.')
    parser.add_argument('--config-file', action='append', default=[],
                        metavar='F',
                        help='Base configuration; options it sets are kept '
                             '(repeatable).')
    parser.add_argument('--listen', default='127.0.0.1', metavar='ADDR',
                        help='Address every endpoint listens on (the compute '
                             'host name is [DEFAULT] host).')
    parser.add_argument('--api-port', type=int, default=8774,
                        help='Port of the Compute API.')
    parser.add_argument('--placement-port', type=int, default=8778,
                        help='Port of Placement.')
    parser.add_argument('--glance-port', type=int, default=9292,
                        help='Port of Glance.')
    return parser


def banner(endpoints, state_path, conf_path, driver, reason, image_name):
    env = ('export OS_AUTH_TYPE=admin_token OS_TOKEN=admin:admin '
           f'OS_ENDPOINT={endpoints.api_url} OS_IMAGE_ENDPOINT_OVERRIDE={endpoints.glance_url} '
           f'OS_IDENTITY_ENDPOINT_OVERRIDE={endpoints.identity_url}')
    return '\n'.join([
        f'nova-all is serving the Compute API on {endpoints.api_url}',
        f'  Placement {endpoints.placement_url}, Glance {endpoints.glance_url}',
        f'  virt driver: {driver} ({reason})',
        f'  state, DBs and logs: {state_path}',
        '',
        'Try it (in another shell):',
        '  ' + env,
        '  openstack flavor list',
        '  openstack image list',
        f'  openstack server create --flavor m1.tiny --image {image_name} --nic auto --wait demo',
        '  openstack server list',
        '  openstack server delete --wait demo',
        '',
        'Operator commands on this deployment:',
        f'  nova-manage --config-file {conf_path} cell_v2 list_hosts',
        f'  nova-status --config-file {conf_path} upgrade check',
        '',
        'Ctrl-C stops everything.',
    ])


def main(argv=None):
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    for path in args.config_file:
        if not os.path.exists(path):
            print(f'nova-all: --config-file {path} does not exist', file=sys.stderr)
            return 2
    state_path = args.state_path or settings.state_path_from(
        args.config_file, DEFAULT_STATE_PATH)
    try:
        driver, reason = virt.choose(args.virt)
    except RuntimeError as exc:
        print(f'nova-all: {exc}', file=sys.stderr)
        return 2
    print(f'nova-all: virt driver {driver}: {reason}', flush=True)
    endpoints = settings.Endpoints(args.listen, args.api_port,
                                   args.placement_port, args.glance_port)
    deployment = stack.AllInOne(state_path, endpoints, driver, args.config_file)
    conf_path = deployment.configure()
    log_options()
    print(f'nova-all: configuration {conf_path}; logs in {deployment.state_path}/log; '
          'setting up the databases', flush=True)

    def announce():
        print(banner(endpoints, deployment.state_path, conf_path, driver,
                     reason, _image_name(deployment)), flush=True)

    try:
        deployment.prepare()
        deployment.run([stack.Part('banner', announce)])
    except Exception as exc:
        # The log has the traceback; the operator's terminal gets the cause.
        LOG.exception('nova-all failed')
        print(f'nova-all: failed: {exc}', file=sys.stderr, flush=True)
        return 1
    print('nova-all: stopped', flush=True)
    return 0


def _image_name(deployment):
    return (deployment.image or {}).get('name') or 'IMAGE'


if __name__ == '__main__':
    sys.exit(main())
