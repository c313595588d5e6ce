"""Options in [DEFAULT] that describe this host and its state."""

import os
import socket

from oslo_config import cfg

default_opts = [
    cfg.StrOpt('host', default=socket.gethostname(), sample_default='<current_hostname>',
               help='Name of this node. Used as the compute host name in '
                    'the services table and as the RPC server name of '
                    'nova-compute; must be unique per compute service.'),
    cfg.StrOpt('my_ip', default='127.0.0.1',
               help='IP address of this host, reported to other services.'),
    cfg.StrOpt('state_path', default=os.path.join(os.path.expanduser('~'), '.local', 'share', 'nova'),
               sample_default='$HOME/.local/share/nova',
               help='Top-level directory for nova\'s state: databases of '
                    'the single-machine mode, instances, images, locks.'),
    cfg.StrOpt('instances_path', default='$state_path/instances',
               help='Where instances keep their files on a compute host.'),
    cfg.StrOpt('default_availability_zone', default='nova',
               help='Availability zone of compute hosts that are in no '
                    'aggregate with an availability zone.'),
    cfg.StrOpt('internal_service_availability_zone', default='internal',
               help='Availability zone shown for services other than '
                    'nova-compute (conductor, scheduler, ...); no '
                    'aggregate may use this name.'),
    cfg.StrOpt('default_schedule_zone',
               help='Availability zone given to servers created without one. '
                    'Unset means any zone.'),
    cfg.StrOpt('compute_driver', default='fake.FakeDriver',
               help='The virt driver nova-compute uses, as module.Class '
                    'under nova.virt: fake.FakeDriver or '
                    'libvirt.LibvirtDriver.'),
    cfg.IntOpt('reclaim_instance_interval', default=0, min=0,
               help='Seconds a soft-deleted instance is kept before it is '
                    'reclaimed; 0 deletes at once.'),
    cfg.StrOpt('running_deleted_instance_action', default='reap',
               choices=[('reap', 'destroy the guest and its disks'),
                        ('log', 'log a warning only'),
                        ('shutdown', 'power the guest off, keep its disks'),
                        ('noop', 'do nothing')],
               help='What nova-compute does with a guest still on its '
                    'hypervisor whose instance was deleted (a delete cut '
                    'off before its guest was destroyed).'),
    cfg.IntOpt('running_deleted_instance_poll_interval', default=1800,
               help='Seconds between two looks for guests of deleted '
                    'instances; 0 or less disables it.'),
    cfg.IntOpt('running_deleted_instance_timeout', default=0, min=0,
               help='Seconds an instance must have been deleted before '
                    'its guest is acted upon.'),
    cfg.StrOpt('lock_path', default='$state_path/locks',
               help='Directory for inter-process locks.'),
]


def register_opts(conf):
    conf.register_opts(default_opts)


def list_opts():
    return {'DEFAULT': default_opts}
