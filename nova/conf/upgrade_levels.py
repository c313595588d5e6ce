"""[upgrade_levels]: RPC version caps for rolling upgrades."""

from oslo_config import cfg

group = cfg.OptGroup('upgrade_levels', title='RPC version caps',
                     help='Cap the RPC version each client sends, so that '
                          'newer services talk to older ones during a '
                          'rolling upgrade. Unset means the newest version.')

opts = [
    cfg.StrOpt('compute', help='Cap of the compute RPC API, e.g. "1.0".'),
    cfg.StrOpt('conductor', help='Cap of the conductor RPC API.'),
    cfg.StrOpt('scheduler', help='Cap of the scheduler RPC API.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
