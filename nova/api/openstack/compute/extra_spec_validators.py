"""What the flavor extra specs of known namespaces may say (2.86).

From 2.86 ``POST /flavors/{flavor_id}/os-extra_specs`` and ``PUT
.../os-extra_specs/{key}`` check each spec: a key of a namespace listed
in ``NAMESPACES`` must be one this module knows, and its value must fit
it (400 otherwise, naming the key). Keys of no namespace, or of another
namespace (a third party's scheduler filter, another project's driver),
are stored unchecked, as before.
"""

import re

from nova import exception
from nova.i18n import _

_GROUP = r'[a-zA-Z0-9_-]{0,64}'
# The namespaces this service claims (a key's text before the first ':').
NAMESPACES = ('hw', 'hw_rng', 'hw_video', 'os', 'quota', 'accel',
              'pci_passthrough', 'aggregate_instance_extra_specs',
              'capabilities', f'resources{_GROUP}', f'trait{_GROUP}')

_BOOL = ('true', 'false', '1', '0', 'yes', 'no', 'on', 'off', 't', 'f',
         'y', 'n')


def _enum(*choices):
    def check(value):
        if value not in choices:
            return _('must be one of %s') % ', '.join(choices)
        return None
    return check


def _bool(value):
    if value.lower() not in _BOOL:
        return _('must be a boolean (true or false)')
    return None


def _int(minimum=0):
    def check(value):
        try:
            number = int(value)
        except ValueError:
            return _('must be an integer')
        if number < minimum:
            return _('must be at least %d') % minimum
        return None
    return check


def _regex(pattern, what):
    def check(value):
        if not re.fullmatch(pattern, value):
            return _('must be %s') % what
        return None
    return check


def _any(value):
    return None


_CPU_SET = _regex(r'\^?\d+(-\d+)?(,\^?\d+(-\d+)?)*',
                  _('a CPU set such as 0-3,^2'))
_PAGE_SIZE = _regex(r'(small|large|any|\d+([KMG]i?B?)?)',
                    _('small, large, any or a page size such as 2MB'))

# (key pattern, value check); keys are matched whole.
_VALIDATORS = (
    ('hw:cpu_policy', _enum('shared', 'dedicated', 'mixed')),
    ('hw:cpu_thread_policy', _enum('prefer', 'isolate', 'require')),
    ('hw:emulator_threads_policy', _enum('share', 'isolate')),
    (r'hw:cpu_(max_)?(sockets|cores|threads)', _int(1)),
    ('hw:cpu_realtime', _bool),
    ('hw:cpu_realtime_mask', _CPU_SET),
    ('hw:cpu_dedicated_mask', _CPU_SET),
    ('hw:numa_nodes', _int(1)),
    (r'hw:numa_cpus\.\d+', _CPU_SET),
    (r'hw:numa_mem\.\d+', _int(0)),
    ('hw:mem_page_size', _PAGE_SIZE),
    ('hw:mem_encryption', _bool),
    ('hw:pci_numa_affinity_policy',
     _enum('required', 'legacy', 'preferred', 'socket')),
    ('hw:watchdog_action',
     _enum('none', 'pause', 'poweroff', 'reset', 'disabled')),
    ('hw:boot_menu', _bool),
    ('hw:pmu', _bool),
    ('hw:hide_hypervisor_id', _bool),
    ('hw:vif_multiqueue_enabled', _bool),
    ('hw:serial_port_count', _int(0)),
    ('hw:tpm_version', _enum('1.2', '2.0')),
    ('hw:tpm_model', _enum('tpm-tis', 'tpm-crb')),
    ('hw:machine_type', _regex(r'\S+', _('a machine type'))),
    ('hw:vpmem', _regex(r'[^,\s]+(,[^,\s]+)*',
                        _('a list of persistent memory labels'))),
    ('hw:locked_memory', _bool),
    ('hw:virtio_packed_ring', _bool),
    ('hw:viommu_model', _enum('intel', 'smmuv3', 'virtio', 'auto')),
    ('hw:maxphysaddr_mode', _enum('passthrough', 'emulate')),
    ('hw:maxphysaddr_bits', _int(1)),
    ('hw_rng:allowed', _bool),
    (r'hw_rng:rate_(bytes|period)', _int(0)),
    ('hw_video:ram_max_mb', _int(0)),
    ('os:secure_boot', _enum('required', 'disabled', 'optional')),
    ('os:monitors', _int(1)),
    ('os:resolution', _regex(r'\d+x\d+', _('a resolution such as '
                                            '1920x1080'))),
    ('os:vram', _int(0)),
    (r'quota:cpu_(shares|period|quota|limit|reservation)', _int(0)),
    (r'quota:(cpu|disk_io|vif)_shares_level',
     _enum('custom', 'high', 'normal', 'low')),
    (r'quota:(cpu|disk_io|vif)_shares_share', _int(0)),
    (r'quota:(disk_io|vif)_(limit|reservation)', _int(0)),
    (r'quota:disk_(read|write|total)_(bytes|iops)_sec(_max)?', _int(0)),
    (r'quota:disk_(read|write|total)_(bytes|iops)_sec_max_length',
     _int(0)),
    (r'quota:vif_(inbound|outbound)_(average|peak|burst)', _int(0)),
    (r'quota:memory_(limit|reservation|shares_share)', _int(0)),
    ('quota:memory_shares_level', _enum('custom', 'high', 'normal', 'low')),
    ('accel:device_profile', _regex(r'\S+', _('a device profile name'))),
    ('pci_passthrough:alias',
     _regex(r'[^:,\s]+:\d+(,[^:,\s]+:\d+)*',
            _('a list of alias:count, such as a1:2,a2:1'))),
    (r'aggregate_instance_extra_specs:.+', _any),
    (r'capabilities:.+', _any),
    (rf'resources{_GROUP}:([A-Z0-9_]+)', _int(0)),
    (rf'trait{_GROUP}:([A-Z0-9_]+)', _enum('required', 'forbidden')),
    ('hide_hypervisor_id', _bool),
    ('group_policy', _enum('none', 'isolate')),
)


class InvalidExtraSpec(exception.Invalid):
    msg_fmt = _('Invalid extra spec %(key)s: %(reason)s.')


def validate(key, value):
    """Raise InvalidExtraSpec (400) when ``key`` is of a known namespace
    and unknown, or ``value`` does not fit it."""
    for pattern, check in _VALIDATORS:
        if re.fullmatch(pattern, key):
            reason = check(value)
            if reason:
                raise InvalidExtraSpec(key=key, reason=_('the value %(v)r '
                                       '%(why)s') % {'v': value,
                                                     'why': reason})
            return
    namespace = key.split(':', 1)[0] if ':' in key else None
    if namespace is not None and any(re.fullmatch(ns, namespace)
                                     for ns in NAMESPACES):
        raise InvalidExtraSpec(
            key=key, reason=_('namespace %s is known and has no such '
                              'key') % namespace)
