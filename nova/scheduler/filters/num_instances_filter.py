"""NumInstancesFilter: fewer than ``[filter_scheduler]
max_instances_per_host`` instances on the host."""

import nova.conf
from nova.i18n import _
from nova.scheduler import filters

CONF = nova.conf.CONF


class NumInstancesFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        return host_state.num_instances < \
            CONF.filter_scheduler.max_instances_per_host

    def rejection(self, spec):
        return _('already has %d instances') % \
            CONF.filter_scheduler.max_instances_per_host
