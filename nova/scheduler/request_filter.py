"""Pre-filters: narrow the Placement query before any host is looked at.

Each pre-filter turns part of the request (zone, project, image, the
computes' disabled flag) into Placement query parameters, so that
Placement only proposes hosts that can pass; the host filters still check
the same thing afterwards (aggregate membership is mirrored to Placement
only from the moment a host's node exists). Each one adds to the
request's ``qualifiers`` the words that explain, in a NoValidHost
message, what it narrowed.
"""

from oslo_log import log as logging

import nova.conf
from nova import exception, objects
from nova.i18n import _
from nova.scheduler import resource_request
from nova.scheduler.resource_request import spec_field

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

AZ_KEY = 'availability_zone'
TENANT_KEY = 'filter_tenant_id'
DISABLED_TRAIT = 'COMPUTE_STATUS_DISABLED'
IMAGE_TYPE_TRAIT = 'COMPUTE_IMAGE_TYPE_%s'


class _Aggregates:
    """All aggregates, read once per request and only if needed."""

    def __init__(self, ctxt):
        self.ctxt = ctxt
        self._all = None

    def all(self):
        if self._all is None:
            self._all = list(objects.AggregateList.get_all(self.ctxt))
        return self._all


def availability_zone(ctxt, spec, request, aggregates):
    """Only hosts of the requested zone: member of one of the aggregates
    that name it, or (the default zone) of none that names a zone."""
    if not CONF.scheduler.query_placement_for_availability_zone:
        return
    # An admin's "zone:host[:node]" names the zone first.
    zone = (spec_field(spec, 'availability_zone') or '').split(':')[0]
    if not zone:
        return
    named = [a for a in aggregates.all() if a.metadata.get(AZ_KEY)]
    inside = [a.uuid for a in named if a.metadata[AZ_KEY] == zone]
    if inside:
        request.member_of.append(inside)
    elif zone == CONF.default_availability_zone:
        request.not_member_of.update(a.uuid for a in named)
        request.needs((1, 32))
    else:
        raise exception.NoValidHost(reason=_(
            'No host is in availability zone %s: no host aggregate names '
            'that zone.') % zone)
    request.qualifiers.append(_('in zone %s') % zone)


def _tenants(agg):
    """Projects named by an aggregate's filter_tenant_id* metadata."""
    projects = set()
    for key, value in agg.metadata.items():
        if key.startswith(TENANT_KEY) and value:
            projects.update(p.strip() for p in value.split(',') if p.strip())
    return projects


def tenant_aggregates(ctxt, spec, request, aggregates):
    """A project that has aggregates (``filter_tenant_id``) lands only
    on their hosts."""
    if not CONF.scheduler.limit_tenants_to_placement_aggregate:
        return
    project = spec_field(spec, 'project_id') or ctxt.project_id
    owned = [a.uuid for a in aggregates.all() if project in _tenants(a)]
    if owned:
        request.member_of.append(owned)
        request.qualifiers.append(
            _('in an aggregate of project %s') % project)
    elif CONF.scheduler.placement_aggregate_required_for_tenants:
        raise exception.NoValidHost(reason=_(
            'Project %s has no host aggregate (metadata filter_tenant_id) '
            'and [scheduler] placement_aggregate_required_for_tenants '
            'is set.') % project)


def disabled_computes(ctxt, spec, request, aggregates):
    """No compute whose service is disabled (the resource tracker gives
    its node the COMPUTE_STATUS_DISABLED trait)."""
    request.root_forbidden.add(DISABLED_TRAIT)


def image_type(ctxt, spec, request, aggregates):
    """Only hosts whose driver can boot the image's disk format."""
    if not CONF.scheduler.query_placement_for_image_type_support:
        return
    if spec_field(spec, 'is_bfv', False):
        return
    fmt = spec_field(spec_field(spec, 'image'), 'disk_format')
    if not fmt:
        return
    request.root_required.add(IMAGE_TYPE_TRAIT % fmt.upper())
    request.qualifiers.append(_('supporting %s images') % fmt)


PRE_FILTERS = (availability_zone, tenant_aggregates, disabled_computes,
               image_type)


def build_request(ctxt, spec):
    """The ResourceRequest of one instance of ``spec`` with every
    pre-filter applied and ``[scheduler] max_placement_results`` as the
    candidate limit."""
    request = resource_request.from_spec(spec)
    aggregates = _Aggregates(ctxt)
    for pre_filter in PRE_FILTERS:
        pre_filter(ctxt, spec, request, aggregates)
    request.limit = CONF.scheduler.max_placement_results
    return request


def relaxed(request):
    """The same resources and traits without the pre-filters' limits:
    to tell, when nothing was proposed, whether the limits were why."""
    loose = resource_request.ResourceRequest()
    loose.groups = request.groups
    loose.group_policy = request.group_policy
    loose.version = request.version
    loose.limit = request.limit
    return loose
