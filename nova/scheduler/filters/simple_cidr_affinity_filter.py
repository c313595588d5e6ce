"""SimpleCIDRAffinityFilter: with the hints ``build_near_host_ip`` and
``cidr`` (default ``/24``), only hosts whose IP is in that network."""

import ipaddress

from nova.i18n import _
from nova.scheduler import filters, utils


def _network(spec):
    near = utils.scheduler_hint(spec, 'build_near_host_ip')
    if not near:
        return None
    cidr = (utils.scheduler_hint(spec, 'cidr') or ['/24'])[0]
    prefix = cidr.lstrip('/')
    try:
        return ipaddress.ip_network(f'{near[0]}/{prefix}', strict=False)
    except ValueError:
        return False


class SimpleCIDRAffinityFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        network = _network(spec)
        if network is None:
            return True
        if network is False or not host_state.host_ip:
            return False
        try:
            return ipaddress.ip_address(str(host_state.host_ip)) in network
        except ValueError:
            return False

    def rejection(self, spec):
        network = _network(spec)
        if network is False:
            return _('build_near_host_ip/cidr hints are not an IP network')
        return _('host IP is not in %s') % network
