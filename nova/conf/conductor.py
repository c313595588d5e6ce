"""[conductor] options."""

from oslo_config import cfg

group = cfg.OptGroup('conductor', title='Conductor options')

opts = [
    cfg.IntOpt('workers', default=1, min=1,
               help='Processes of nova-conductor (this implementation '
                    'serves with threads in one process).'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
