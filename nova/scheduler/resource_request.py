"""What one instance asks of Placement: request groups, traits, aggregates.

The flavor gives the unsuffixed group's VCPU, MEMORY_MB and DISK_GB; the
flavor's extra specs and the image's properties add to or override them:

* ``resources:RC=N`` sets (``0`` removes) a resource of the unsuffixed
  group; ``resourcesN:RC=N`` / ``resources_NAME:RC=N`` one of group N;
* ``trait:NAME=required|forbidden`` and ``traitN:NAME=...`` likewise;
* ``group_policy=none|isolate`` says whether numbered groups may share a
  provider;
* image properties ``trait:NAME=required`` and ``hw_vif_model``,
  ``hw_disk_bus``, ``hw_video_model`` (required traits of the host).

Pre-filters (:mod:`nova.scheduler.request_filter`) then add aggregate
membership and root provider traits. :meth:`ResourceRequest.query` is the
query string of ``GET /allocation_candidates``.
"""

import math
import re

from nova import exception
from nova.i18n import _

VCPU = 'VCPU'
MEMORY_MB = 'MEMORY_MB'
DISK_GB = 'DISK_GB'

# The oldest microversion this query can use; features raise it.
BASE_VERSION = (1, 36)      # root_required, mappings, suffixed groups

# "resources", "resources1", "resources_gpu" + ":" + the rest.
_GROUPED_KEY = re.compile(
    r'^(?P<kind>resources|trait)(?P<suffix>[1-9][0-9]*|_[a-zA-Z0-9_-]{1,64})?'
    r':(?P<name>.+)$')
_NAME = re.compile(r'^[A-Z0-9_]+$')

_UNITS = {VCPU: '%d VCPU', MEMORY_MB: '%d MB of memory',
          DISK_GB: '%d GB of disk'}

# Image properties that name a device model the host must support.
_IMAGE_PROPERTY_TRAITS = {
    'hw_vif_model': 'COMPUTE_NET_VIF_MODEL_',
    'hw_disk_bus': 'COMPUTE_STORAGE_BUS_',
    'hw_video_model': 'COMPUTE_GRAPHICS_MODEL_',
}


def spec_field(obj, name, default=None):
    """``obj.name`` if it is set (objects raise on unset fields)."""
    if obj is None:
        return default
    if hasattr(obj, 'obj_attr_is_set') and (
            name not in obj.fields or not obj.obj_attr_is_set(name)):
        return default
    return getattr(obj, name, default)


class RequestGroup:
    """Resources and traits that one provider must satisfy."""

    def __init__(self, suffix='', resources=None, required_traits=None,
                 forbidden_traits=None):
        self.suffix = suffix
        self.resources = dict(resources or {})
        self.required_traits = set(required_traits or ())
        self.forbidden_traits = set(forbidden_traits or ())

    def __repr__(self):
        return (f'RequestGroup({self.suffix!r}, {self.resources!r}, '
                f'required={sorted(self.required_traits)!r}, '
                f'forbidden={sorted(self.forbidden_traits)!r})')

    def require(self, trait, how, source):
        if how == 'required':
            self.required_traits.add(trait)
            self.forbidden_traits.discard(trait)
        elif how == 'forbidden':
            self.forbidden_traits.add(trait)
            self.required_traits.discard(trait)
        else:
            raise exception.NoValidHost(reason=_(
                '%(source)s trait%(suffix)s:%(trait)s=%(how)s must be '
                '"required" or "forbidden".') % {
                    'source': source, 'suffix': self.suffix,
                    'trait': trait, 'how': how})


def _amounts(resources):
    """'4 free VCPU, 2048 MB of memory and 20 GB of disk'."""
    parts = []
    for rc in [VCPU, MEMORY_MB, DISK_GB] + sorted(
            set(resources) - {VCPU, MEMORY_MB, DISK_GB}):
        if resources.get(rc):
            parts.append(_UNITS.get(rc, '%d ' + rc) % resources[rc])
    if not parts:
        return _('no resources')
    parts[0] = parts[0].replace(' ', _(' free '), 1)
    return parts[0] if len(parts) == 1 else (
        ', '.join(parts[:-1]) + _(' and ') + parts[-1])


class ResourceRequest:
    """The request groups of one instance plus the pre-filters' additions.

    ``resources``, ``required_traits`` and ``forbidden_traits`` are the
    unsuffixed group's (what the compute node itself must have).
    """

    def __init__(self, resources=None, required_traits=None,
                 forbidden_traits=None):
        self.groups = {'': RequestGroup('', resources, required_traits,
                                        forbidden_traits)}
        self.group_policy = None
        # Lists of aggregate uuids: the host must be in one of each list.
        self.member_of = []
        # Aggregate uuids the host must be in none of.
        self.not_member_of = set()
        # Traits of the root provider (the compute node).
        self.root_required = set()
        self.root_forbidden = set()
        # What the pre-filters narrowed, in words ("in zone az1").
        self.qualifiers = []
        self.limit = None
        self.version = BASE_VERSION

    # The unsuffixed group, as the scheduler and host states use it.
    @property
    def resources(self):
        return self.groups[''].resources

    @resources.setter
    def resources(self, value):
        self.groups[''].resources = dict(value)

    @property
    def required_traits(self):
        return self.groups[''].required_traits

    @property
    def forbidden_traits(self):
        return self.groups[''].forbidden_traits

    def __repr__(self):
        return (f'ResourceRequest(groups={list(self.groups.values())!r}, '
                f'member_of={self.member_of!r})')

    def group(self, suffix):
        if suffix not in self.groups:
            self.groups[suffix] = RequestGroup(suffix)
        return self.groups[suffix]

    def total_resources(self):
        """{rc: amount} over every group (what a single host gives when
        it is the only provider)."""
        total = {}
        for grp in self.groups.values():
            for rc, amount in grp.resources.items():
                total[rc] = total.get(rc, 0) + amount
        return total

    def needs(self, version):
        self.version = max(self.version, version)

    def describe(self):
        """E.g. '4 free VCPU and 2048 MB of memory with traits X in zone
        az1'."""
        words = [_amounts(self.total_resources())]
        required = set().union(*(g.required_traits
                                 for g in self.groups.values()))
        forbidden = set().union(*(g.forbidden_traits
                                  for g in self.groups.values()))
        required |= self.root_required
        if required:
            words.append(_('with traits %s') % ', '.join(sorted(required)))
        if forbidden:
            words.append(_('without traits %s')
                         % ', '.join(sorted(forbidden)))
        words.extend(self.qualifiers)
        return ' '.join(words)

    def query(self):
        """The query string of GET /allocation_candidates, as a list of
        (name, value) pairs (``member_of`` may repeat)."""
        params = []
        for suffix, grp in sorted(self.groups.items()):
            if not grp.resources and not grp.required_traits and \
                    not grp.forbidden_traits and suffix:
                continue
            if grp.resources:
                params.append(('resources' + suffix, ','.join(
                    f'{rc}:{amount:d}'
                    for rc, amount in sorted(grp.resources.items()))))
            traits = sorted(grp.required_traits) + [
                '!' + t for t in sorted(grp.forbidden_traits)]
            if traits:
                params.append(('required' + suffix, ','.join(traits)))
        for aggs in self.member_of:
            params.append(('member_of', 'in:' + ','.join(sorted(aggs))))
        if self.not_member_of:
            params.append(('member_of',
                           '!in:' + ','.join(sorted(self.not_member_of))))
        root = sorted(self.root_required) + [
            '!' + t for t in sorted(self.root_forbidden)]
        if root:
            params.append(('root_required', ','.join(root)))
        if len([s for s in self.groups if s]) > 1:
            params.append(('group_policy', self.group_policy or 'none'))
        if self.limit:
            params.append(('limit', str(int(self.limit))))
        return params

    @property
    def microversion(self):
        return '{}.{}'.format(*self.version)


def _disk_gb(flavor, is_bfv):
    # Swap is in MB; Placement counts whole GB, so round it up.
    root = 0 if is_bfv else (spec_field(flavor, 'root_gb', 0) or 0)
    return (root + (spec_field(flavor, 'ephemeral_gb', 0) or 0)
            + math.ceil((spec_field(flavor, 'swap', 0) or 0) / 1024))


def _check_name(kind, name, key, value, source):
    if not _NAME.match(name):
        raise exception.NoValidHost(reason=_(
            '%(source)s %(key)s=%(value)s: %(name)r is not a valid '
            '%(kind)s name (upper case letters, digits and _).') % {
                'source': source, 'key': key, 'value': value,
                'name': name, 'kind': kind})


def _apply_specs(request, specs, source):
    for key, value in sorted((specs or {}).items()):
        if key == 'group_policy':
            if value not in ('none', 'isolate'):
                raise exception.NoValidHost(reason=_(
                    '%(source)s group_policy=%(value)s must be "none" or '
                    '"isolate".') % {'source': source, 'value': value})
            request.group_policy = value
            continue
        match = _GROUPED_KEY.match(key)
        if not match:
            continue
        grp = request.group(match.group('suffix') or '')
        name = match.group('name')
        if match.group('kind') == 'resources':
            _check_name(_('resource class'), name, key, value, source)
            try:
                amount = int(value)
                if amount < 0:
                    raise ValueError(value)
            except (TypeError, ValueError):
                raise exception.NoValidHost(reason=_(
                    '%(source)s %(key)s=%(value)s is not a whole number of '
                    'resources.') % {'source': source, 'key': key,
                                     'value': value})
            if amount:
                grp.resources[name] = amount
            else:
                grp.resources.pop(name, None)
        else:
            _check_name(_('trait'), name, key, value, source)
            grp.require(name, value, source)


def _image_traits(request, props):
    """Image ``trait:*`` (only "required" makes sense for an image) and
    the device models that map to traits."""
    for key, value in sorted(props.items()):
        if key.startswith('trait:') and value == 'required':
            trait = key[len('trait:'):]
            _check_name(_('trait'), trait, key, value, _('image property'))
            request.required_traits.add(trait)
        elif key in _IMAGE_PROPERTY_TRAITS and value:
            trait = _IMAGE_PROPERTY_TRAITS[key] + re.sub(
                '[^A-Z0-9_]', '_', str(value).upper())
            request.required_traits.add(trait)


def from_spec(spec):
    """The ResourceRequest of one instance of ``spec`` (no pre-filters)."""
    flavor = spec_field(spec, 'flavor')
    is_bfv = bool(spec_field(spec, 'is_bfv', False))
    request = ResourceRequest()
    if flavor is not None:
        request.resources = {rc: n for rc, n in (
            (VCPU, spec_field(flavor, 'vcpus', 0) or 0),
            (MEMORY_MB, spec_field(flavor, 'memory_mb', 0) or 0),
            (DISK_GB, _disk_gb(flavor, is_bfv))) if n}
    image = spec_field(spec, 'image')
    _image_traits(request, spec_field(image, 'properties') or {})
    _apply_specs(request, spec_field(flavor, 'extra_specs') or {},
                 _('flavor extra spec'))
    for suffix, grp in request.groups.items():
        if suffix and not grp.resources and (grp.required_traits or
                                             grp.forbidden_traits):
            raise exception.NoValidHost(reason=_(
                'flavor extra specs ask traits of request group %s but no '
                'resources from it: add resources%s:<CLASS>=<N>.')
                % (suffix, suffix))
    return request
