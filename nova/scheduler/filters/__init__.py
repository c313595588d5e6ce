"""Host filters: each says whether a host may take the requested instance.

A filter is a :class:`BaseHostFilter` subclass named in ``[filter_scheduler]
enabled_filters``. When it rejects hosts, its :meth:`rejection` phrase goes
into the NoValidHost message, so that the user learns why.
"""

import collections

from nova import exception
from nova.i18n import _


class BaseHostFilter:
    """Subclasses implement :meth:`host_passes` and :meth:`rejection`."""

    # Filters whose answer cannot change between instances of one request
    # need to run once per request (all of them, today).
    run_filter_once_per_request = True

    @property
    def name(self):
        return type(self).__name__

    def host_passes(self, host_state, spec):
        raise NotImplementedError()

    def rejection(self, spec):
        """Why a host failed, in a few words (e.g. 'service down')."""
        raise NotImplementedError()

    def applies(self, spec):
        """False when the request asks nothing this filter checks: every
        host passes without being looked at (with 1,000 hosts, looking
        costs)."""
        return True

    def filter_all(self, hosts, spec):
        if not self.applies(spec):
            return list(hosts)
        return [h for h in hosts if self.host_passes(h, spec)]


def all_filters():
    """{class name: class} of the filters this package provides."""
    from nova.scheduler.filters import (
        affinity_filter,
        aggregate_image_properties_isolation,
        aggregate_instance_extra_specs,
        aggregate_multitenancy_isolation,
        availability_zone_filter,
        compute_capabilities_filter,
        compute_filter,
        different_host_filter,
        image_props_filter,
        io_ops_filter,
        num_instances_filter,
        request_hosts,
        same_host_filter,
        simple_cidr_affinity_filter,
    )
    return {cls.__name__: cls for cls in (
        compute_filter.ComputeFilter,
        availability_zone_filter.AvailabilityZoneFilter,
        compute_capabilities_filter.ComputeCapabilitiesFilter,
        image_props_filter.ImagePropertiesFilter,
        same_host_filter.SameHostFilter,
        different_host_filter.DifferentHostFilter,
        simple_cidr_affinity_filter.SimpleCIDRAffinityFilter,
        aggregate_instance_extra_specs.AggregateInstanceExtraSpecsFilter,
        aggregate_multitenancy_isolation.AggregateMultiTenancyIsolation,
        aggregate_image_properties_isolation
        .AggregateImagePropertiesIsolation,
        io_ops_filter.IoOpsFilter,
        num_instances_filter.NumInstancesFilter,
        request_hosts.IgnoreHostsFilter,
        request_hosts.ForceHostsFilter,
        request_hosts.RetryFilter,
        request_hosts.RequestedCellFilter,
        affinity_filter.ServerGroupAffinityFilter,
        affinity_filter.ServerGroupAntiAffinityFilter,
    )}


def load_filters(names):
    """Instances of the filters named in ``names`` (in order)."""
    known = all_filters()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise exception.InvalidInput(reason=_(
            '[filter_scheduler] enabled_filters names unknown filters: '
            '%(unknown)s (known: %(known)s)') % {
                'unknown': ', '.join(unknown),
                'known': ', '.join(sorted(known))})
    return [known[n]() for n in names]


class FilterResult:
    """The hosts left and, per filter, how many it rejected."""

    def __init__(self, hosts):
        self.hosts = hosts
        self.rejected = collections.OrderedDict()   # name -> (count, why)

    def explain(self):
        """E.g. '3 hosts were rejected: 2 by ComputeFilter (service down
        or disabled), 1 by AvailabilityZoneFilter (not in zone az1)'."""
        total = sum(count for count, _why in self.rejected.values())
        parts = [f'{count} by {name} ({why})'
                 for name, (count, why) in self.rejected.items()]
        if total == 1:
            return _('1 host was rejected: %s') % ', '.join(parts)
        return _('%(total)d hosts were rejected: %(parts)s') % {
            'total': total, 'parts': ', '.join(parts)}


def run_filters(filters, hosts, spec):
    """Apply ``filters`` in order; a FilterResult with the survivors."""
    result = FilterResult(list(hosts))
    for flt in filters:
        passed = flt.filter_all(result.hosts, spec)
        if len(passed) < len(result.hosts):
            result.rejected[flt.name] = (len(result.hosts) - len(passed),
                                         flt.rejection(spec))
        result.hosts = passed
        if not passed:
            break
    return result
