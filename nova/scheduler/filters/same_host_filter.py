"""SameHostFilter: with the hint ``same_host`` (server uuids), only hosts
that run one of these servers."""

from nova.i18n import _
from nova.scheduler import filters, utils


class SameHostFilter(filters.BaseHostFilter):

    def applies(self, spec):
        return bool(utils.scheduler_hint(spec, 'same_host'))

    def host_passes(self, host_state, spec):
        wanted = utils.scheduler_hint(spec, 'same_host')
        return not wanted or any(u in host_state.instances for u in wanted)

    def rejection(self, spec):
        return _('runs none of the servers given in same_host')
