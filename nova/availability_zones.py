"""Availability zones: named by aggregates, shown per service.

A compute host is in the zone of the aggregate that holds it and has
``availability_zone`` metadata, else in ``[DEFAULT]
default_availability_zone``. Other services (conductor, scheduler, ...)
are in ``[DEFAULT] internal_service_availability_zone``. A zone is
available when an enabled compute service is in it.
"""

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.i18n import _
from nova.objects import aggregate

CONF = nova.conf.CONF
COMPUTE = 'nova-compute'


class ZoneNotAvailable(exception.Invalid):
    msg_fmt = _('The requested availability zone %(zone)s is not '
                'available: available zones are %(known)s.')


def host_zones(ctxt, hosts=None):
    """{host: zone} of the hosts in an aggregate that names a zone."""
    zones = {}
    for agg in objects.AggregateList.get_by_metadata_key(
            ctxt, aggregate.AZ_KEY, hosts=hosts):
        for host in agg.hosts:
            zones[host] = agg.availability_zone
    return zones


def host_zone(ctxt, host):
    return host_zones(ctxt, [host]).get(host) or \
        CONF.default_availability_zone


def service_zone(zones, service):
    """The zone of a service, given ``host_zones()``."""
    if service.binary != COMPUTE:
        return CONF.internal_service_availability_zone
    return zones.get(service.host) or CONF.default_availability_zone


def _enabled_compute_hosts(ctxt):
    cells = [c for c in objects.CellMappingList.get_all(ctxt)
             if not c.is_cell0()]
    results = nova_context.scatter_gather_cells(
        ctxt, cells, objects.ServiceList.get_by_binary, COMPUTE,
        include_disabled=False)
    return {svc.host for result in results.values()
            if result is not nova_context.did_not_respond_sentinel and
            not isinstance(result, Exception)
            for svc in result}


def available_zones(ctxt):
    """The zones of enabled compute services: where a boot may go."""
    zones = host_zones(ctxt)
    return {zones.get(host) or CONF.default_availability_zone
            for host in _enabled_compute_hosts(ctxt)}


def check_zone(ctxt, zone):
    """Refuse (400) a boot into a zone without an enabled compute."""
    if zone is None:
        return
    known = available_zones(ctxt)
    if zone not in known:
        raise ZoneNotAvailable(zone=zone,
                               known=', '.join(sorted(known)) or 'none')
