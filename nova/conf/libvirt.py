"""[libvirt]: the libvirt virt driver (QEMU/KVM guests through libvirt)."""

from oslo_config import cfg

group = cfg.OptGroup('libvirt', title='Libvirt virt driver options')

opts = [
    cfg.StrOpt('virt_type', default='kvm', choices=('kvm', 'qemu'),
               help='Domain type of the guests: "kvm" (hardware '
                    'acceleration) or "qemu" (TCG emulation, for hosts '
                    'without usable KVM, such as nested test machines).'),
    cfg.StrOpt('connection_uri', default='',
               help='libvirt URI to connect to. Empty picks the default '
                    'of virt_type: qemu:///system for both kvm and qemu.'),
    cfg.StrOpt('cpu_mode', default=None,
               choices=('host-model', 'host-passthrough', 'custom',
                        'none'),
               help='Guest CPU mode. Unset means host-model for kvm and '
                    'none (QEMU\'s default CPU) for qemu. "custom" uses '
                    'cpu_model. host-model and host-passthrough need '
                    'kvm.'),
    cfg.StrOpt('cpu_model', default=None,
               help='Named CPU model (e.g. "qemu64", "Nehalem") used when '
                    'cpu_mode is custom.'),
    cfg.StrOpt('images_type', default='qcow2', choices=('qcow2', 'raw'),
               help='Format of instance root disks: "qcow2" makes a '
                    'copy-on-write overlay on the cached base image; '
                    '"raw" copies the base image into a full raw file.'),
    cfg.StrOpt('hw_machine_type', default='pc',
               help='QEMU machine type of the guests (e.g. "pc", "q35").'),
    cfg.StrOpt('arch', default='x86_64',
               help='Guest architecture written in the domain XML.'),
    cfg.StrOpt('disk_cachemode', default='none',
               choices=('none', 'writethrough', 'writeback', 'directsync',
                        'unsafe'),
               help='Cache mode of the guests\' file-backed disks.'),
    cfg.BoolOpt('create_missing_bridges', default=True,
                help='When a VIF names a Linux bridge that does not exist '
                     'on this host, create it (ip link add ... type '
                     'bridge) and set it up. When false, such a NIC is '
                     'left out of the guest with a warning.'),
    cfg.IntOpt('spawn_timeout', default=120, min=1,
               help='Seconds to wait for a new guest to reach the running '
                    'state before the build fails.'),
    cfg.IntOpt('wait_soft_reboot_seconds', default=120, min=0,
               help='Seconds a soft reboot waits for the guest OS to shut '
                    'down after it was sent the ACPI power button; a '
                    'guest still running then (one that ignores ACPI) is '
                    'rebooted hard: stopped and started again. 0 makes '
                    'every reboot hard.'),
    cfg.StrOpt('snapshots_directory', default='$instances_path/snapshots',
               help='Where a snapshot\'s root disk is converted before it '
                    'is uploaded to the image service. It needs free space '
                    'for a full copy of the largest root disk.'),
    cfg.StrOpt('resize_transport', default='local',
               choices=(('local', ('the source and destination share '
                                   'instances_path (one machine, or '
                                   'shared storage): the disks are '
                                   'copied as files')),
                        ('rsync', 'rsync over ssh to the destination'),
                        ('scp', 'scp to the destination')),
               help='How a resize or cold migration copies an instance\'s '
                    'directory to the destination host. rsync and scp run '
                    'as the nova-compute user and need password-less ssh '
                    'to every other compute host, which must use the same '
                    'instances_path.'),
    cfg.IntOpt('remove_unused_original_minimum_age_seconds', default=86400,
               min=0,
               help='A cached base image under $instances_path/_base that '
                    'no instance on this host has used for this many '
                    'seconds is removed by the image cache manager.'),
]

# [DEFAULT] options the libvirt driver reads (kept here until the other
# drivers need them too).
default_opts = [
    cfg.BoolOpt('force_config_drive', default=False,
                help='Give every instance a config drive (an ISO 9660 '
                     'disk labelled config-2 holding its metadata, network '
                     'configuration and user data), not only those whose '
                     'boot request asked for one.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)
    conf.register_opts(default_opts)


def list_opts():
    return {group: opts, 'DEFAULT': default_opts}
