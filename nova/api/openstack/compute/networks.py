"""/os-networks and /os-tenant-networks: proxies to the network
service, up to microversion 2.35 (from 2.36 they are 404: ask the
network service itself).

They show the networks of ``nova.network.API()``: the local flat
network here. Creating, deleting and associating networks served
nova-network and are 410 Gone.
"""

import ipaddress

from nova import exception, network
from nova.api import wsgi
from nova.api.openstack.compute import removed
from nova.i18n import _

MAX_PROXY = '2.35'

_ADMIN_FIELDS = (
    'bridge', 'bridge_interface', 'broadcast', 'cidr', 'cidr_v6',
    'created_at', 'deleted', 'deleted_at', 'dhcp_server', 'dhcp_start',
    'dns1', 'dns2', 'enable_dhcp', 'gateway', 'gateway_v6', 'host', 'id',
    'injected', 'label', 'mtu', 'multi_host', 'netmask', 'netmask_v6',
    'priority', 'project_id', 'rxtx_base', 'share_address', 'updated_at',
    'vlan', 'vpn_private_address', 'vpn_public_address', 'vpn_public_port')
_USER_FIELDS = ('id', 'cidr', 'netmask', 'gateway', 'broadcast', 'dns1',
                'dns2', 'cidr_v6', 'gateway_v6', 'label', 'netmask_v6')


class NetworkNotFoundForProject(exception.NotFound):
    msg_fmt = _('Network %(network_id)s could not be found.')


def _networks(ctxt):
    """The network API's networks, with the addresses of their range."""
    result = []
    for net in network.API().get_networks(ctxt):
        values = dict(net)
        cidr = net.get('cidr')
        if cidr:
            parsed = ipaddress.ip_network(cidr, strict=False)
            values.setdefault('netmask', str(parsed.netmask))
            values.setdefault('broadcast', str(parsed.broadcast_address))
        result.append(values)
    return result


def _find(ctxt, network_id):
    for net in _networks(ctxt):
        if net['id'] == network_id:
            return net
    raise NetworkNotFoundForProject(network_id=network_id)


def _removed(what):
    raise removed.APIRemoved(
        api=what, why=_('it served nova-network; manage networks with the '
                        'network service.'))


class NetworkController:
    """/os-networks."""

    @staticmethod
    def _view(ctxt, net):
        fields = _ADMIN_FIELDS if ctxt.is_admin else _USER_FIELDS
        return {name: net.get(name) for name in fields}

    @wsgi.api_version('2.1', MAX_PROXY)
    def index(self, req):
        req.context.can('os_compute_api:os-networks:list',
                        target={'project_id': req.context.project_id})
        return {'networks': [self._view(req.context, n)
                             for n in _networks(req.context)]}

    @wsgi.api_version('2.1', MAX_PROXY)
    def show(self, req, id):
        req.context.can('os_compute_api:os-networks:view',
                        target={'project_id': req.context.project_id})
        return {'network': self._view(req.context, _find(req.context, id))}

    @wsgi.api_version('2.1', MAX_PROXY)
    def gone(self, req, **_ignored):
        _removed('Creating, deleting and associating os-networks')


class TenantNetworkController:
    """/os-tenant-networks."""

    @staticmethod
    def _view(net):
        return {'id': net['id'], 'label': net.get('label'),
                'cidr': net.get('cidr')}

    @wsgi.api_version('2.1', MAX_PROXY)
    def index(self, req):
        req.context.can('os_compute_api:os-tenant-networks:list',
                        target={'project_id': req.context.project_id})
        return {'networks': [self._view(n) for n in _networks(req.context)]}

    @wsgi.api_version('2.1', MAX_PROXY)
    def show(self, req, id):
        req.context.can('os_compute_api:os-tenant-networks:show',
                        target={'project_id': req.context.project_id})
        return {'network': self._view(_find(req.context, id))}

    @wsgi.api_version('2.1', MAX_PROXY)
    def gone(self, req, **_ignored):
        _removed('Creating and deleting os-tenant-networks')
