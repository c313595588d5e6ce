"""From a RequestSpec to what the scheduler asks of Placement."""

import math

from oslo_log import log as logging

from nova import exception
from nova.i18n import _

LOG = logging.getLogger(__name__)

VCPU = 'VCPU'
MEMORY_MB = 'MEMORY_MB'
DISK_GB = 'DISK_GB'

# How a resource class reads in a "no host has ..." message.
_UNITS = {VCPU: '%d VCPU', MEMORY_MB: '%d MB of memory',
          DISK_GB: '%d GB of disk'}


def spec_field(obj, name, default=None):
    """``obj.name`` if it is set (objects raise on unset fields)."""
    if obj is None:
        return default
    if hasattr(obj, 'obj_attr_is_set') and (
            name not in obj.fields or not obj.obj_attr_is_set(name)):
        return default
    return getattr(obj, name, default)


class ResourceRequest:
    """Resources and traits one instance needs from a single host."""

    def __init__(self, resources=None, required_traits=None,
                 forbidden_traits=None):
        self.resources = dict(resources or {})
        self.required_traits = set(required_traits or ())
        self.forbidden_traits = set(forbidden_traits or ())

    def __repr__(self):
        return (f'ResourceRequest(resources={self.resources!r}, '
                f'required={sorted(self.required_traits)!r}, '
                f'forbidden={sorted(self.forbidden_traits)!r})')

    def describe(self):
        """E.g. '4 free VCPU, 2048 MB of memory and 20 GB of disk'."""
        parts = []
        for rc in [VCPU, MEMORY_MB, DISK_GB] + sorted(
                set(self.resources) - {VCPU, MEMORY_MB, DISK_GB}):
            if self.resources.get(rc):
                unit = _UNITS.get(rc, '%d ' + rc)
                parts.append(unit % self.resources[rc])
        if not parts:
            text = _('no resources')
        else:
            # "4 VCPU" -> "4 free VCPU": the first amount says "free".
            parts[0] = parts[0].replace(' ', _(' free '), 1)
            text = parts[0] if len(parts) == 1 else (
                ', '.join(parts[:-1]) + _(' and ') + parts[-1])
        traits = []
        if self.required_traits:
            traits.append(_('with traits %s')
                          % ', '.join(sorted(self.required_traits)))
        if self.forbidden_traits:
            traits.append(_('without traits %s')
                          % ', '.join(sorted(self.forbidden_traits)))
        return ' '.join([text] + traits)


def _disk_gb(flavor, is_bfv):
    # Swap is in MB; Placement counts whole GB, so round it up.
    root = 0 if is_bfv else (spec_field(flavor, 'root_gb', 0) or 0)
    return (root + (spec_field(flavor, 'ephemeral_gb', 0) or 0)
            + math.ceil((spec_field(flavor, 'swap', 0) or 0) / 1024))


def _apply_specs(request, specs, source):
    """Apply ``resources:RC=N`` and ``trait:NAME=required|forbidden``."""
    for key, value in sorted((specs or {}).items()):
        if key.startswith('resources:'):
            rc = key[len('resources:'):]
            try:
                amount = int(value)
                if amount < 0:
                    raise ValueError(value)
            except (TypeError, ValueError):
                raise exception.NoValidHost(reason=_(
                    '%(source)s %(key)s=%(value)s is not a whole number of '
                    'resources') % {'source': source, 'key': key,
                                    'value': value})
            if amount:
                request.resources[rc] = amount
            else:
                request.resources.pop(rc, None)
        elif key.startswith('trait:'):
            trait = key[len('trait:'):]
            if value == 'required':
                request.required_traits.add(trait)
                request.forbidden_traits.discard(trait)
            elif value == 'forbidden':
                request.forbidden_traits.add(trait)
                request.required_traits.discard(trait)
            else:
                raise exception.NoValidHost(reason=_(
                    '%(source)s %(key)s=%(value)s must be "required" or '
                    '"forbidden"') % {'source': source, 'key': key,
                                      'value': value})


def resources_from_request_spec(spec):
    """The ResourceRequest of one instance of ``spec``.

    The flavor gives VCPU, MEMORY_MB and DISK_GB (root + ephemeral +
    swap; no root disk when booting from a volume); the flavor's and the
    image's ``resources:*`` and ``trait:*`` override or add to that.
    """
    flavor = spec_field(spec, 'flavor')
    is_bfv = bool(spec_field(spec, 'is_bfv', False))
    request = ResourceRequest()
    if flavor is not None:
        request.resources = {
            VCPU: spec_field(flavor, 'vcpus', 0) or 0,
            MEMORY_MB: spec_field(flavor, 'memory_mb', 0) or 0,
            DISK_GB: _disk_gb(flavor, is_bfv),
        }
        request.resources = {rc: n for rc, n in request.resources.items()
                             if n}
    image = spec_field(spec, 'image')
    image_props = spec_field(image, 'properties') or {}
    _apply_specs(request, {k: v for k, v in image_props.items()
                           if k.startswith('trait:')}, _('image property'))
    _apply_specs(request, spec_field(flavor, 'extra_specs') or {},
                 _('flavor extra spec'))
    return request


def claim_resources(ctxt, reportclient, spec, instance_uuid,
                    alloc_request, allocation_request_version=None):
    """Claim ``alloc_request`` for the instance as the spec's owner."""
    return reportclient.claim_resources(
        ctxt, instance_uuid, alloc_request,
        spec_field(spec, 'project_id') or ctxt.project_id,
        spec_field(spec, 'user_id') or ctxt.user_id,
        allocation_request_version=allocation_request_version)
