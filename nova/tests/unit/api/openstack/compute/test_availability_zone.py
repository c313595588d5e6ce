"""/os-availability-zone against real cell and API DBs, and the zone
of a host as the boot check and the scheduler see it."""

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import (
    availability_zone as v21,
)

from nova import availability_zones, objects
from nova import context as nova_context
from nova.api import validation
from nova.scheduler import host_manager
from nova.tests.unit.api.openstack.compute import hosts_fixture

URL = '/v2.1/os-availability-zone'


def _zone_aggregate(name, zone, *hosts):
    agg = objects.Aggregate(nova_context.get_admin_context(), name=name,
                            metadata={'availability_zone': zone})
    agg.create()
    for host in hosts:
        agg.add_host(host)
    return agg


def test_list_shows_compute_zones_only(client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    hosts_fixture.add_compute(dbs, 'host2')
    hosts_fixture.add_compute(dbs, 'host3', disabled=True)
    hosts_fixture.add_service(dbs, 'ctl', binary='nova-conductor')
    _zone_aggregate('a1', 'az1', 'host2')
    _zone_aggregate('a2', 'az2', 'host3')
    resp = client.get(URL)
    assert resp.status_int == 200
    validation.validate(v21.list_availability_zone_list['response_body'],
                        resp.json_body_or_none)
    zones = {z['zoneName']: z['zoneState']['available']
             for z in resp.json_body_or_none['availabilityZoneInfo']}
    assert zones == {'nova': True, 'az1': True, 'az2': False}


def test_detail_has_hosts_and_internal_zone(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    hosts_fixture.add_service(dbs, 'ctl', binary='nova-conductor')
    resp = admin_client.get(URL + '/detail')
    validation.validate(
        v21.list_availability_zone_list_detail['response_body'],
        resp.json_body_or_none)
    zones = {z['zoneName']: z['hosts']
             for z in resp.json_body_or_none['availabilityZoneInfo']}
    assert zones['nova']['host1']['nova-compute']['active'] is True
    assert 'nova-conductor' in zones['internal']['ctl']


def test_detail_is_admin_only(client, dbs):
    assert client.get(URL + '/detail').status_int == 403


def test_scheduler_sees_the_zone_of_aggregate_hosts(dbs):
    ctxt = nova_context.get_admin_context()
    _zone_aggregate('a1', 'az1', 'host1')
    assert host_manager.host_availability_zone(ctxt, 'host1') == 'az1'
    assert host_manager.host_availability_zone(ctxt, 'host2') == 'nova'


def test_boot_zone_must_have_an_enabled_compute(dbs):
    ctxt = nova_context.get_admin_context()
    hosts_fixture.add_compute(dbs, 'host1')
    hosts_fixture.add_compute(dbs, 'host2', disabled=True)
    _zone_aggregate('a2', 'az2', 'host2')
    availability_zones.check_zone(ctxt, 'nova')
    availability_zones.check_zone(ctxt, None)
    with pytest.raises(availability_zones.ZoneNotAvailable) as err:
        availability_zones.check_zone(ctxt, 'az2')
    assert 'az2' in err.value.format_message()
