"""AvailabilityZoneFilter: the host is in the zone the request asks for.

A host in no aggregate naming a zone is in ``[DEFAULT]
default_availability_zone`` (the host manager resolves that).
"""

from nova.i18n import _
from nova.scheduler import filters, utils


class AvailabilityZoneFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(utils.spec_field(spec, 'availability_zone'))

    def host_passes(self, host_state, spec):
        zone = utils.spec_field(spec, 'availability_zone')
        return not zone or host_state.availability_zone == zone

    def rejection(self, spec):
        return _('not in zone %s') % utils.spec_field(spec, 'availability_zone')
