"""[scheduler] and [filter_scheduler] options."""

from oslo_config import cfg

group = cfg.OptGroup('scheduler', title='Scheduler options')

opts = [
    cfg.IntOpt('max_attempts', default=3, min=1,
               help='Hosts tried for one instance: the selected host plus '
                    'alternates for rescheduling.'),
    cfg.IntOpt('max_placement_results', default=1000, min=1,
               help='Largest number of allocation candidates asked of '
                    'Placement for one request.'),
    cfg.IntOpt('discover_hosts_in_cells_interval', default=-1, min=-1,
               help='Seconds between runs of host discovery in the '
                    'scheduler; -1 disables it.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
