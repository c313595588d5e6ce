"""ComputeFilter: the host's compute service is up and enabled."""

from nova.i18n import _
from nova.scheduler import filters


class ComputeFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        return host_state.service_up and not host_state.service_disabled

    def rejection(self, spec):
        return _('service down or disabled')
