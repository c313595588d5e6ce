"""Filters from the request itself: hosts it forces, ignores or tried.

They always run, before the configured filters, and pass every host when
the request says nothing about hosts.
"""

from nova.i18n import _
from nova.scheduler import filters, utils


class IgnoreHostsFilter(filters.BaseHostFilter):
    """Hosts the request asks to avoid (``ignore_hosts``)."""

    def applies(self, spec):
        return bool(utils.spec_field(spec, 'ignore_hosts'))

    def host_passes(self, host_state, spec):
        return host_state.host not in (
            utils.spec_field(spec, 'ignore_hosts') or ())

    def rejection(self, spec):
        return _('ignored by the request')


class ForceHostsFilter(filters.BaseHostFilter):
    """Only the hosts and nodes the request forces (an admin's az:host)."""

    def applies(self, spec):
        return bool(utils.spec_field(spec, 'force_hosts') or
                    utils.spec_field(spec, 'force_nodes'))

    def host_passes(self, host_state, spec):
        hosts = utils.spec_field(spec, 'force_hosts') or ()
        nodes = utils.spec_field(spec, 'force_nodes') or ()
        return ((not hosts or host_state.host in hosts) and
                (not nodes or host_state.nodename in nodes))

    def rejection(self, spec):
        wanted = list(utils.spec_field(spec, 'force_hosts') or ()) + list(
            utils.spec_field(spec, 'force_nodes') or ())
        return _('not the forced host %s') % ', '.join(wanted)


class RetryFilter(filters.BaseHostFilter):
    """Hosts where this instance already failed to build."""

    def applies(self, spec):
        return bool(utils.spec_field(spec, 'retry_hosts'))

    def host_passes(self, host_state, spec):
        return host_state.host not in (
            utils.spec_field(spec, 'retry_hosts') or ())

    def rejection(self, spec):
        return _('already tried for this instance')


class RequestedCellFilter(filters.BaseHostFilter):
    """A move stays in the instance's cell (``requested_cell``): a host
    of another cell has no row of the instance to work on."""

    def applies(self, spec):
        return bool(utils.spec_field(spec, 'requested_cell'))

    def host_passes(self, host_state, spec):
        return host_state.cell_uuid == utils.spec_field(spec,
                                                        'requested_cell')

    def rejection(self, spec):
        return _('in another cell than the server')


# Run before the configured filters, in this order.
REQUEST_FILTERS = (RequestedCellFilter, ForceHostsFilter, IgnoreHostsFilter,
                   RetryFilter)
