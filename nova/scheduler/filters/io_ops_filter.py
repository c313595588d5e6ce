"""IoOpsFilter: fewer than ``[filter_scheduler] max_io_ops_per_host``
builds, snapshots, resizes... under way on the host."""

import nova.conf
from nova.i18n import _
from nova.scheduler import filters

CONF = nova.conf.CONF


class IoOpsFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        return host_state.num_io_ops < \
            CONF.filter_scheduler.max_io_ops_per_host

    def rejection(self, spec):
        return _('%d or more I/O heavy operations under way') % \
            CONF.filter_scheduler.max_io_ops_per_host
