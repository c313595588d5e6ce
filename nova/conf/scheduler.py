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

filter_group = cfg.OptGroup('filter_scheduler',
                            title='Filters and weighers of the scheduler')

filter_opts = [
    cfg.ListOpt('enabled_filters',
                default=['ComputeFilter', 'AvailabilityZoneFilter'],
                help='Filters, by class name from nova.scheduler.filters, '
                     'that every host must pass, applied in this order to '
                     'the hosts Placement proposed.'),
    cfg.ListOpt('weight_classes', default=['RAMWeigher'],
                help='Weighers, by class name from nova.scheduler.weights, '
                     'whose weighted sum orders the hosts that passed the '
                     'filters (highest first).'),
    cfg.FloatOpt('ram_weight_multiplier', default=1.0,
                 help='Multiplier of the free RAM weight: positive spreads '
                      'instances over hosts with the most free RAM, '
                      'negative stacks them on the fullest host.'),
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help='The selected host is picked at random among this many '
                    'best-weighed hosts, so that concurrent schedulers '
                    'race less for the same host.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)
    conf.register_group(filter_group)
    conf.register_opts(filter_opts, group=filter_group)


def list_opts():
    return {group: opts, filter_group: filter_opts}
