"""The local flat network: one IPv4 range shared by every instance.

Configured by ``[network]`` (fixed_range, gateway, flat_network_name,
flat_network_bridge). Each instance gets one VIF with a fixed IP; the IP
is kept in its ``VirtualInterface`` row, whose uniqueness makes two
compute hosts never hand out the same address.
"""

import ipaddress
import uuid as uuid_lib

import oslo_messaging as messaging
from oslo_db import exception as db_exc
from oslo_log import log as logging
from sqlalchemy import exc as sa_exc

import nova.conf
from nova import exception, objects
from nova.i18n import _

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

_NET_NAMESPACE = uuid_lib.UUID('0f3f8b8e-1d8e-4a51-9e7d-52c1a43a2b60')
# Values of requested_networks that mean "no network at all".
NONE = 'none'
AUTO = 'auto'


def network_id(name=None):
    """The flat network's uuid: derived from its name, stable everywhere."""
    return str(uuid_lib.uuid5(_NET_NAMESPACE, name or
                              CONF.network.flat_network_name))


def _cidr():
    try:
        return ipaddress.ip_network(CONF.network.fixed_range, strict=False)
    except ValueError as exc:
        raise exception.InvalidInput(reason=_(
            '[network] fixed_range %(range)s is not an IPv4 range: %(err)s')
            % {'range': CONF.network.fixed_range, 'err': exc})


def _gateway(cidr):
    return CONF.network.gateway or str(next(cidr.hosts()))


def wants_no_network(requested_networks):
    """True when the user asked for ``networks: none``."""
    if requested_networks is None:
        return False
    if isinstance(requested_networks, str):
        return requested_networks == NONE
    items = list(requested_networks)
    if len(items) != 1:
        return False
    item = items[0]
    if isinstance(item, str):
        return item == NONE
    if isinstance(item, dict):
        return NONE in (item.get('network_id'), item.get('uuid'))
    return getattr(item, 'network_id', None) == NONE


def _requests(requested_networks):
    """One entry per VIF to create: the fixed IP asked for, or None."""
    if requested_networks in (None, AUTO) or isinstance(
            requested_networks, str):
        return [None]
    items = list(requested_networks)
    ours = network_id()
    wanted = []
    for item in items:
        if isinstance(item, dict):
            net = item.get('network_id') or item.get('uuid')
            fixed_ip = item.get('fixed_ip')
        else:
            net = getattr(item, 'network_id', item)
            fixed_ip = getattr(item, 'address', None)
        if net not in (None, AUTO, ours):
            raise exception.NetworkNotFound(network_id=net)
        wanted.append(str(fixed_ip) if fixed_ip else None)
    return wanted or [None]


def _is_duplicate(exc):
    if isinstance(exc, (db_exc.DBDuplicateEntry, sa_exc.IntegrityError)):
        return True
    # Through the conductor the DB error arrives as a RemoteError.
    return isinstance(exc, messaging.RemoteError) and exc.exc_type in (
        'DBDuplicateEntry', 'IntegrityError')


class FlatNetworkAPI:
    """allocate / deallocate / describe the VIFs of an instance."""

    def get_networks(self, ctxt):
        """The networks users may ask for (one)."""
        cidr = _cidr()
        return [{'id': network_id(), 'label': CONF.network.flat_network_name,
                 'cidr': str(cidr), 'gateway': _gateway(cidr),
                 'bridge': CONF.network.flat_network_bridge}]

    def _vif_dict(self, vif, cidr):
        return {
            'id': vif.uuid,
            'address': vif.address,
            'type': 'bridge',
            'devname': ('tap' + vif.uuid)[:14],
            'network': {
                'id': network_id(vif.network_name),
                'label': vif.network_name,
                'bridge': CONF.network.flat_network_bridge,
                'subnets': [{
                    'cidr': str(cidr),
                    'gateway': _gateway(cidr),
                    'ips': [{'address': vif.ip_address, 'type': 'fixed',
                             'version': 4}],
                }],
            },
        }

    def allocate_for_instance(self, ctxt, instance, requested_networks=None):
        """Create the instance's VIFs with fixed IPs; list of VIF dicts.

        ``networks: none`` gives no VIF. A failure part-way releases the
        VIFs already made, so nothing half-made is left.
        """
        if wants_no_network(requested_networks):
            return []
        wanted = _requests(requested_networks)
        cidr = _cidr()
        made = []
        try:
            for fixed_ip in wanted:
                if fixed_ip:
                    vif = self._allocate_address(ctxt, instance, fixed_ip,
                                                 cidr)
                else:
                    vif = objects.VirtualInterface.allocate_fixed_ip(
                        ctxt, instance.uuid, str(cidr), _gateway(cidr),
                        CONF.network.flat_network_name)
                made.append(vif)
        except Exception:
            for vif in made:
                self._destroy_quietly(vif)
            raise
        LOG.info('Allocated %s on %s to instance %s',
                 ', '.join(v.ip_address for v in made),
                 CONF.network.flat_network_name, instance.uuid)
        return [self._vif_dict(v, cidr) for v in made]

    @staticmethod
    def _allocate_address(ctxt, instance, fixed_ip, cidr):
        """A VIF holding the address the user asked for."""
        try:
            address = ipaddress.ip_address(fixed_ip)
        except ValueError:
            raise exception.InvalidInput(reason=_(
                'Fixed IP %s is not an IP address.') % fixed_ip)
        usable = (address in cidr and address not in (
            cidr.network_address, cidr.broadcast_address)
            and str(address) != _gateway(cidr))
        if not usable:
            raise exception.InvalidInput(reason=_(
                'Fixed IP %(ip)s is not a usable address of network '
                '%(net)s (%(cidr)s).') % {
                    'ip': fixed_ip, 'net': CONF.network.flat_network_name,
                    'cidr': cidr})
        vif = objects.VirtualInterface(
            ctxt, instance_uuid=instance.uuid, ip_address=str(address),
            network_name=CONF.network.flat_network_name)
        try:
            vif.create()
        except Exception as exc:
            if _is_duplicate(exc):
                raise exception.InvalidInput(reason=_(
                    'Fixed IP %s is already in use.') % fixed_ip) from exc
            raise
        return vif

    @staticmethod
    def _destroy_quietly(vif):
        try:
            vif.destroy()
        except Exception:
            LOG.warning('Could not release VIF %s', vif.uuid, exc_info=True)

    def deallocate_for_instance(self, ctxt, instance):
        """Release every VIF (and so fixed IP) of the instance."""
        vifs = objects.VirtualInterfaceList.get_by_instance_uuid(
            ctxt, instance.uuid)
        for vif in vifs:
            vif.destroy()
        if vifs:
            LOG.info('Released %s of instance %s',
                     ', '.join(v.ip_address or '?' for v in vifs),
                     instance.uuid)

    def get_instance_nw_info(self, ctxt, instance):
        """The instance's VIF dicts, rebuilt from its VirtualInterfaces."""
        cidr = _cidr()
        return [self._vif_dict(v, cidr) for v in
                objects.VirtualInterfaceList.get_by_instance_uuid(
                    ctxt, instance.uuid)]
