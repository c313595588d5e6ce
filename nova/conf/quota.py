"""[quota] default limits per project."""

from oslo_config import cfg

group = cfg.OptGroup('quota', title='Quota options')

opts = [
    cfg.IntOpt('instances', default=10, min=-1,
               help='Servers per project; -1 is unlimited.'),
    cfg.IntOpt('cores', default=20, min=-1,
               help='VCPUs per project; -1 is unlimited.'),
    cfg.IntOpt('ram', default=50 * 1024, min=-1,
               help='Memory in MiB per project; -1 is unlimited.'),
    cfg.IntOpt('metadata_items', default=128, min=-1,
               help='Metadata items per server; -1 is unlimited.'),
    cfg.IntOpt('key_pairs', default=100, min=-1,
               help='Key pairs per user; -1 is unlimited.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
