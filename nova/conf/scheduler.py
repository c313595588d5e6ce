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
    cfg.BoolOpt('query_placement_for_availability_zone', default=True,
                help='Ask Placement only for hosts of the requested '
                     'availability zone (members of the aggregates that '
                     'name it, as mirrored in Placement). The '
                     'AvailabilityZoneFilter checks the zone either way.'),
    cfg.BoolOpt('query_placement_for_image_type_support', default=False,
                help='Ask Placement only for hosts whose driver reports '
                     'the COMPUTE_IMAGE_TYPE_<FORMAT> trait of the '
                     'image\'s disk format.'),
    cfg.BoolOpt('limit_tenants_to_placement_aggregate', default=False,
                help='A project named in the filter_tenant_id metadata of '
                     'host aggregates is placed only on the hosts of '
                     'those aggregates.'),
    cfg.BoolOpt('placement_aggregate_required_for_tenants', default=False,
                help='With limit_tenants_to_placement_aggregate, refuse '
                     'to place the servers of projects that no aggregate '
                     'names.'),
]

filter_group = cfg.OptGroup('filter_scheduler',
                            title='Filters and weighers of the scheduler')

DEFAULT_FILTERS = ['ComputeFilter', 'AvailabilityZoneFilter',
                   'ComputeCapabilitiesFilter', 'ImagePropertiesFilter',
                   'SameHostFilter', 'DifferentHostFilter',
                   'ServerGroupAntiAffinityFilter',
                   'ServerGroupAffinityFilter']
DEFAULT_WEIGHERS = ['RAMWeigher', 'CPUWeigher', 'DiskWeigher',
                    'IoOpsWeigher', 'NumInstancesWeigher',
                    'BuildFailureWeigher', 'HypervisorVersionWeigher',
                    'ServerGroupSoftAffinityWeigher',
                    'ServerGroupSoftAntiAffinityWeigher']

filter_opts = [
    cfg.ListOpt('enabled_filters', default=DEFAULT_FILTERS,
                help='Filters, by class name from nova.scheduler.filters, '
                     'that every host must pass, applied in this order to '
                     'the hosts Placement proposed.'),
    cfg.ListOpt('weight_classes', default=DEFAULT_WEIGHERS,
                help='Weighers, by class name from nova.scheduler.weights, '
                     'whose weighted sum orders the hosts that passed the '
                     'filters (highest first).'),
    cfg.FloatOpt('ram_weight_multiplier', default=1.0,
                 help='Multiplier of the free RAM weight: positive spreads '
                      'instances over hosts with the most free RAM, '
                      'negative stacks them on the fullest host. An '
                      'aggregate\'s ram_weight_multiplier metadata '
                      'overrides it for its hosts.'),
    cfg.FloatOpt('cpu_weight_multiplier', default=1.0,
                 help='Multiplier of the free VCPU weight (positive: '
                      'spread, negative: stack); per aggregate: '
                      'cpu_weight_multiplier.'),
    cfg.FloatOpt('disk_weight_multiplier', default=1.0,
                 help='Multiplier of the free disk weight (positive: '
                      'spread, negative: stack); per aggregate: '
                      'disk_weight_multiplier.'),
    cfg.FloatOpt('io_ops_weight_multiplier', default=-1.0,
                 help='Multiplier of the number of I/O heavy operations '
                      '(builds, snapshots, resizes...) under way on a host: '
                      'negative prefers quiet hosts; per aggregate: '
                      'io_ops_weight_multiplier.'),
    cfg.FloatOpt('soft_affinity_weight_multiplier', default=1.0,
                 min=0.0,
                 help='Multiplier of the weight that draws an instance of '
                      'a soft-affinity server group to the hosts of its '
                      'members. Per aggregate: '
                      'soft_affinity_weight_multiplier.'),
    cfg.FloatOpt('soft_anti_affinity_weight_multiplier', default=1.0,
                 min=0.0,
                 help='Multiplier of the weight that keeps an instance of '
                      'a soft-anti-affinity server group away from the '
                      'hosts of its members. Per aggregate: '
                      'soft_anti_affinity_weight_multiplier.'),
    cfg.FloatOpt('num_instances_weight_multiplier', default=0.0,
                 help='Multiplier of the number of instances on a host: '
                      'negative prefers hosts with fewer, positive packs; '
                      'per aggregate: num_instances_weight_multiplier.'),
    cfg.FloatOpt('build_failure_weight_multiplier', default=-1000000.0,
                 help='Multiplier of the number of recent failed builds on '
                      'a host: the large negative default puts hosts that '
                      'keep failing builds last; per aggregate: '
                      'build_failure_weight_multiplier.'),
    cfg.FloatOpt('hypervisor_version_weight_multiplier', default=1.0,
                 help='Multiplier of the hypervisor version: positive '
                      'prefers the newest hypervisors; per aggregate: '
                      'hypervisor_version_weight_multiplier.'),
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help='The selected host is picked at random among this many '
                    'best-weighed hosts, so that concurrent schedulers '
                    'race less for the same host.'),
    cfg.IntOpt('max_io_ops_per_host', default=8, min=0,
               help='IoOpsFilter: hosts with this many I/O heavy '
                    'operations (builds, snapshots, resizes...) under way '
                    'take no new instance.'),
    cfg.IntOpt('max_instances_per_host', default=50, min=1,
               help='NumInstancesFilter: hosts with this many instances '
                    'take no new instance.'),
    cfg.StrOpt('aggregate_image_properties_isolation_namespace',
               default=None,
               help='AggregateImagePropertiesIsolation: only aggregate '
                    'metadata keys in this namespace (prefix) are compared '
                    'with the image\'s properties.'),
    cfg.StrOpt('aggregate_image_properties_isolation_separator',
               default='.',
               help='AggregateImagePropertiesIsolation: the separator '
                    'between the namespace and the property name.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)
    conf.register_group(filter_group)
    conf.register_opts(filter_opts, group=filter_group)


def list_opts():
    return {group: opts, filter_group: filter_opts}
