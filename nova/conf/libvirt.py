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
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
