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
    cfg.IntOpt('server_groups', default=10, min=-1,
               help='Server groups per project; -1 is unlimited.'),
    cfg.IntOpt('server_group_members', default=10, min=-1,
               help='Servers per server group; -1 is unlimited.'),
    cfg.IntOpt('injected_files', default=5, min=-1,
               help='Files injected (personality) per server; -1 is '
                    'unlimited.'),
    cfg.IntOpt('injected_file_content_bytes', default=10 * 1024, min=-1,
               help='Bytes of content per injected file; -1 is unlimited.'),
    cfg.IntOpt('injected_file_path_length', default=255, min=-1,
               help='Characters of path per injected file; -1 is '
                    'unlimited.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
