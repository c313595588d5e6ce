"""/os-availability-zone: the zones servers can be booted into.

The list shows the zones of compute services (available when one of
them is enabled and up); the admins' detail adds the internal zone of the
other services and, per available zone, each host's services.
"""

import nova.conf
from nova import availability_zones, servicegroup
from nova.api.openstack.compute import cell_hosts

CONF = nova.conf.CONF


def _time(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


class AvailabilityZoneController:

    def __init__(self):
        self.servicegroup_api = servicegroup.API()

    def _zones(self, ctxt, with_internal):
        """{zone: [services]} and the set of available zones."""
        zones = availability_zones.host_zones(ctxt)
        by_zone = {}
        available = set()
        for _cell, svc in cell_hosts.services(ctxt):
            zone = availability_zones.service_zone(zones, svc)
            internal = svc.binary != availability_zones.COMPUTE
            if internal and not with_internal:
                continue
            by_zone.setdefault(zone, []).append(svc)
            if not svc.disabled and self.servicegroup_api.service_is_up(svc):
                available.add(zone)
        return by_zone, available

    def index(self, req):
        ctxt = req.context
        ctxt.can('os_compute_api:os-availability-zone:list', target={})
        by_zone, available = self._zones(ctxt, with_internal=False)
        return {'availabilityZoneInfo': [
            {'zoneName': zone, 'zoneState': {'available': zone in available},
             'hosts': None}
            for zone in sorted(by_zone)]}

    def detail(self, req):
        ctxt = req.context
        ctxt.can('os_compute_api:os-availability-zone:detail', target={})
        by_zone, available = self._zones(ctxt, with_internal=True)
        info = []
        for zone in sorted(by_zone):
            hosts = None
            if zone in available:
                hosts = {}
                for svc in by_zone[zone]:
                    hosts.setdefault(svc.host, {})[svc.binary] = {
                        'available': self.servicegroup_api.service_is_up(svc),
                        'active': not svc.disabled,
                        'updated_at': _time(svc.updated_at),
                    }
            info.append({'zoneName': zone,
                         'zoneState': {'available': zone in available},
                         'hosts': hosts})
        return {'availabilityZoneInfo': info}
