"""ComputeCapabilitiesFilter: the host has what the flavor's
``capabilities:*`` extra specs ask (e.g. ``capabilities:hypervisor_type
= fake``, ``capabilities:cpu_info:arch = x86_64``, ``capabilities:vcpus
= 16``), compared with :mod:`extra_specs_ops`."""

from nova.i18n import _
from nova.scheduler import filters
from nova.scheduler.filters import extra_specs_ops
from nova.scheduler.resource_request import spec_field

SCOPE = 'capabilities:'

_MISSING = object()


def _capability(host_state, path):
    """``host_state.a`` then ``[b]`` ... for the path 'a:b'."""
    parts = path.split(':')
    value = getattr(host_state, parts[0], _MISSING)
    for part in parts[1:]:
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _wanted(spec):
    specs = spec_field(spec_field(spec, 'flavor'), 'extra_specs') or {}
    return sorted((k[len(SCOPE):], v) for k, v in specs.items()
                  if k.startswith(SCOPE))


class ComputeCapabilitiesFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(_wanted(spec))

    def host_passes(self, host_state, spec):
        for path, requirement in _wanted(spec):
            value = _capability(host_state, path)
            if value is _MISSING or value is None or \
                    not extra_specs_ops.match(value, requirement):
                return False
        return True

    def rejection(self, spec):
        return _('lacks capabilities %s') % ', '.join(
            f'{path} {req}' for path, req in _wanted(spec))
