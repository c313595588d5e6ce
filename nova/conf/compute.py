"""Options of nova-compute and the resource tracker."""

from oslo_config import cfg

group = cfg.OptGroup('compute', title='Compute host options')

default_opts = [
    cfg.FloatOpt('cpu_allocation_ratio', default=None, min=0.0,
                 help='VCPU overcommit ratio reported to Placement. Unset '
                      'uses initial_cpu_allocation_ratio for new hosts.'),
    cfg.FloatOpt('ram_allocation_ratio', default=None, min=0.0,
                 help='MEMORY_MB overcommit ratio reported to Placement.'),
    cfg.FloatOpt('disk_allocation_ratio', default=None, min=0.0,
                 help='DISK_GB overcommit ratio reported to Placement.'),
    cfg.FloatOpt('initial_cpu_allocation_ratio', default=4.0, min=0.0,
                 help='VCPU ratio given to a new compute node.'),
    cfg.FloatOpt('initial_ram_allocation_ratio', default=1.0, min=0.0,
                 help='MEMORY_MB ratio given to a new compute node.'),
    cfg.FloatOpt('initial_disk_allocation_ratio', default=1.0, min=0.0,
                 help='DISK_GB ratio given to a new compute node.'),
    cfg.IntOpt('reserved_host_memory_mb', default=512, min=0,
               help='Memory in MiB kept for the host, reported as reserved.'),
    cfg.IntOpt('reserved_host_disk_mb', default=0, min=0,
               help='Disk in MiB kept for the host, reported as reserved.'),
    cfg.IntOpt('reserved_host_cpus', default=0, min=0,
               help='Host CPUs kept for the host, reported as reserved.'),
    cfg.IntOpt('update_resources_interval', default=60,
               help='Seconds between runs of the resource tracker\'s '
                    'periodic update; 0 or less disables it.'),
    cfg.IntOpt('max_concurrent_builds', default=10, min=0,
               help='Builds a compute host runs at once; 0 is unlimited.'),
    cfg.IntOpt('sync_power_state_interval', default=600,
               help='Seconds between runs of the periodic task that '
                    'compares the power state the hypervisor reports with '
                    'the database (a guest shut down from inside becomes '
                    'SHUTOFF); 0 or less disables it.'),
    cfg.IntOpt('shutdown_timeout', default=60, min=0,
               help='Seconds a guest is given to shut down cleanly when a '
                    'server is stopped, before it is powered off.'),
    cfg.BoolOpt('allow_resize_to_same_host', default=False,
                help='Let the scheduler pick the server\'s own host as the '
                     'destination of a resize or cold migration (useful '
                     'with a single compute host).'),
    cfg.IntOpt('resize_confirm_window', default=0, min=0,
               help='Seconds after which a resized or migrated server '
                    'waiting in VERIFY_RESIZE is confirmed automatically by '
                    'its destination compute; 0 disables this.'),
    cfg.IntOpt('shelved_offload_time', default=0, min=-1,
               help='Seconds a shelved server keeps its host before it is '
                    'offloaded (guest removed, resources freed); 0 '
                    'offloads at once, -1 never.'),
    cfg.IntOpt('heal_instance_info_cache_interval', default=60,
               help='Seconds between runs of the periodic task that '
                    'rebuilds the network info cache (the addresses '
                    'server views show) of one instance of this host '
                    'from the network service, going round all of them '
                    'in turn; 0 or less disables it.'),
    cfg.IntOpt('shelved_poll_interval', default=3600,
               help='Seconds between runs of the periodic task that '
                    'offloads shelved servers older than '
                    'shelved_offload_time; 0 or less disables it.'),
]

compute_group_opts = [
    cfg.StrOpt('provider_config_location',
               default='/etc/nova/provider_config/',
               help='Directory of provider config files (*.yaml): custom '
                    'inventories (CUSTOM_* resource classes) and traits '
                    'added to the resource providers of this host\'s '
                    'compute nodes in Placement. Read at start; an invalid '
                    'file stops nova-compute with the reason. See '
                    'doc/source/admin/provider-config.rst.'),
    cfg.IntOpt('fake_vcpus', default=64, min=1,
               help='VCPUs the fake driver reports per host.'),
    cfg.IntOpt('fake_memory_mb', default=262144, min=1,
               help='Memory in MiB the fake driver reports per host.'),
    cfg.IntOpt('fake_local_gb', default=10240, min=1,
               help='Disk in GiB the fake driver reports per host.'),
]


image_cache_group = cfg.OptGroup('image_cache',
                                 title='Image cache of compute hosts')

image_cache_opts = [
    cfg.IntOpt('manager_interval', default=2400,
               help='Seconds between two passes of the image cache '
                    'manager, which removes base images no instance on the '
                    'host has used for a while (drivers with an image '
                    'cache: libvirt); 0 or less disables it.'),
]


def register_opts(conf):
    conf.register_opts(default_opts)
    conf.register_group(group)
    conf.register_opts(compute_group_opts, group=group)
    conf.register_group(image_cache_group)
    conf.register_opts(image_cache_opts, group=image_cache_group)


def list_opts():
    return {'DEFAULT': default_opts, group: compute_group_opts,
            image_cache_group: image_cache_opts}
