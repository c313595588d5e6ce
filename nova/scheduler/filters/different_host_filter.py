"""DifferentHostFilter: with the hint ``different_host`` (server uuids),
only hosts that run none of these servers."""

from nova.i18n import _
from nova.scheduler import filters, utils


class DifferentHostFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(utils.scheduler_hint(spec, 'different_host'))

    def host_passes(self, host_state, spec):
        avoid = utils.scheduler_hint(spec, 'different_host')
        return not any(u in host_state.instances for u in avoid)

    def rejection(self, spec):
        return _('already runs one of the servers given in different_host')
