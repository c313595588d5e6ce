"""``nova-manage scheduler dry-run``: where would these servers go now?

The command builds the RequestSpec a boot would, asks the running
nova-scheduler over RPC (``select_destinations(..., dry_run=True)``, which
claims nothing) and prints the chosen hosts with their alternates, or the
sentence that explains why no host fits.
"""

import sys

from oslo_utils import uuidutils

import nova.conf
from nova import context as nova_context
from nova import exception, objects, rpc

CONF = nova.conf.CONF

OK, NO_HOST, BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """Wrong arguments: the message says which."""


def _flavor(ctxt, ref):
    try:
        return objects.Flavor.get_by_flavor_id(ctxt, ref)
    except exception.FlavorNotFound:
        pass
    try:
        return objects.Flavor.get_by_name(ctxt, ref)
    except exception.NotFound:
        raise BadInput(f'No flavor has the id or name {ref!r}.')


def _image(ctxt, ref):
    if not ref:
        return objects.ImageMeta.from_dict({})
    from nova.image import glance
    try:
        return objects.ImageMeta.from_dict(glance.API().get(ctxt, ref))
    except exception.ImageNotFound:
        raise BadInput(f'No image {ref!r} in the image service.')


def parse_hints(pairs):
    """['k=v', 'k=w'] -> {'k': ['v', 'w']}."""
    hints = {}
    for pair in pairs or ():
        key, sep, value = pair.partition('=')
        if not sep or not key:
            raise BadInput(f'--hint {pair!r} is not KEY=VALUE.')
        hints.setdefault(key, []).append(value)
    return hints


def build_spec(ctxt, flavor, image=None, availability_zone=None,
               hints=None, count=1, project_id=None):
    """The RequestSpec of a boot of ``count`` servers (not saved)."""
    if count < 1:
        raise BadInput('--count must be at least 1.')
    spec = objects.RequestSpec.from_components(
        ctxt, uuidutils.generate_uuid(), _image(ctxt, image),
        _flavor(ctxt, flavor), count, availability_zone,
        parse_hints(hints), project_id or ctxt.project_id or 'admin',
        ctxt.user_id or 'admin')
    return spec


def render(host_lists):
    """Lines of the answer: one per server, its host then alternates."""
    lines = []
    for index, host_list in enumerate(host_lists, 1):
        chosen, alternates = host_list[0], host_list[1:]
        line = f'server {index}: {chosen.service_host} (node ' \
               f'{chosen.nodename}, cell {chosen.cell_uuid})'
        if alternates:
            line += '; alternates: ' + ', '.join(
                s.service_host for s in alternates)
        lines.append(line)
    return lines


def _stderr(line):
    print(line, file=sys.stderr)


def run(flavor, image=None, availability_zone=None, hints=None, count=1,
        project_id=None, out=print, err=_stderr, scheduler_api=None):
    """Ask the scheduler; print the answer; return an exit code."""
    ctxt = nova_context.get_admin_context()
    try:
        spec = build_spec(ctxt, flavor, image, availability_zone, hints,
                          count, project_id)
    except BadInput as exc:
        err(str(exc))
        return BAD_INPUT
    if scheduler_api is None:
        if not rpc.initialized():
            rpc.init(CONF)
        from nova.scheduler import rpcapi
        scheduler_api = rpcapi.SchedulerAPI()
    uuids = [uuidutils.generate_uuid() for _i in range(count)]
    try:
        host_lists = scheduler_api.select_destinations(
            ctxt, spec, uuids, return_objects=True, return_alternates=True,
            dry_run=True)
    except exception.NoValidHost as exc:
        err(exc.format_message())
        return NO_HOST
    for line in render(host_lists):
        out(line)
    return OK


def command():
    """The action of ``nova-manage scheduler dry-run``."""
    from nova.db.api import api as api_db
    if not CONF.api_database.connection:
        _stderr('[api_database] connection is not set in the '
                'configuration: flavors are read from the API DB.')
        return BAD_INPUT
    api_db.configure(CONF)
    args = CONF.category
    return run(args.dry_run_flavor, image=args.dry_run_image,
               availability_zone=args.dry_run_zone,
               hints=args.dry_run_hints, count=args.dry_run_count,
               project_id=args.dry_run_project)


def add_parsers(subparsers, add):
    """Add the ``scheduler`` category (``add`` is nova-manage's helper)."""
    # dests are prefixed: oslo.config refuses sub-command arguments named
    # like an option (e.g. [DEFAULT] availability_zone ones).
    parser = subparsers.add_parser('scheduler', help='The scheduler.')
    sub = parser.add_subparsers(dest='action')
    sub.required = True
    add(sub, 'dry-run', command,
        'Ask nova-scheduler (over RPC) where servers would go now, '
        'claiming nothing, or why no host fits.',
        [(('--flavor',), {'dest': 'dry_run_flavor', 'required': True,
                          'help': 'Flavor id or name.'}),
         (('--image',), {'dest': 'dry_run_image', 'default': None,
                         'help': 'Image id (its properties count).'}),
         (('--availability-zone', '--availability_zone'),
          {'dest': 'dry_run_zone', 'default': None,
           'help': 'Availability zone.'}),
         (('--hint',), {'dest': 'dry_run_hints', 'action': 'append',
                        'default': [],
                        'help': 'Scheduler hint KEY=VALUE (repeatable), '
                                'e.g. different_host=<server uuid>.'}),
         (('--count',), {'dest': 'dry_run_count', 'type': int,
                         'default': 1, 'help': 'Number of servers.'}),
         (('--project',), {'dest': 'dry_run_project', 'default': None,
                           'help': 'Project the servers would belong to '
                                   '(aggregate tenancy).'})])
