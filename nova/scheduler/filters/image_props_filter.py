"""ImagePropertiesFilter: the host can run the image as its properties
require: ``hw_architecture`` (the CPU architecture), ``img_hv_type``
(the hypervisor type), ``img_hv_requested_version`` (e.g. ``>=6000``,
compared with the hypervisor version) and ``hw_vm_mode`` (only ``hvm``:
the drivers here run full virtual machines)."""

import re

from nova.i18n import _
from nova.scheduler import filters
from nova.scheduler.filters import extra_specs_ops
from nova.scheduler.resource_request import spec_field

_VERSION_REQ = re.compile(r'^\s*(>=|<=|==|!=|=)?\s*([0-9.]+)\s*$')


def _props(spec):
    return spec_field(spec_field(spec, 'image'), 'properties') or {}


def _version(value):
    """'6.2.1' -> 6002001, '6000' -> 6000 (the integer form drivers
    report)."""
    parts = str(value).split('.')
    if len(parts) == 1:
        return int(parts[0])
    number = 0
    for part in (parts + ['0', '0'])[:3]:
        number = number * 1000 + int(part or 0)
    return number


def _version_ok(host_version, requirement):
    match = _VERSION_REQ.match(str(requirement))
    if not match:
        return False
    op = match.group(1) or '>='
    return extra_specs_ops.match(
        host_version,
        f"{'>=' if op == '=' else op} {_version(match.group(2))}")


_CHECKED = ('hw_architecture', 'architecture', 'img_hv_type',
            'hypervisor_type', 'hw_vm_mode', 'vm_mode',
            'img_hv_requested_version')


class ImagePropertiesFilter(filters.BaseHostFilter):

    def applies(self, spec):
        props = _props(spec)
        return any(props.get(key) for key in _CHECKED)

    def host_passes(self, host_state, spec):
        props = _props(spec)
        arch = props.get('hw_architecture') or props.get('architecture')
        if arch and arch.lower() != str(
                host_state.cpu_info.get('arch', '')).lower():
            return False
        hv_type = props.get('img_hv_type') or props.get('hypervisor_type')
        if hv_type and hv_type.lower() != str(
                host_state.hypervisor_type or '').lower():
            return False
        mode = props.get('hw_vm_mode') or props.get('vm_mode')
        if mode and mode.lower() != 'hvm':
            return False
        wanted = props.get('img_hv_requested_version')
        return not wanted or _version_ok(host_state.hypervisor_version or 0,
                                         wanted)

    def rejection(self, spec):
        props = _props(spec)
        asked = [f'{key}={props[key]}' for key in _CHECKED
                 if props.get(key)]
        return _('cannot run an image with %s') % ', '.join(asked)
