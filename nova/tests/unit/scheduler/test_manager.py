"""select_destinations with real Placement and SQLite cells."""

import pytest
import requests
from oslo_serialization import jsonutils
from oslo_utils import uuidutils

import nova.conf
from nova import exception, objects
from nova.scheduler import rpcapi
from nova.scheduler.client import report

CONF = nova.conf.CONF


def _spec(vcpus=1, memory_mb=1024, root_gb=10, zone=None, num=1,
          extra_specs=None):
    flavor = objects.Flavor(id=1, flavorid='1', name='f', vcpus=vcpus,
                            memory_mb=memory_mb, root_gb=root_gb,
                            ephemeral_gb=0, swap=0,
                            extra_specs=extra_specs or {})
    return objects.RequestSpec(
        instance_uuid=uuidutils.generate_uuid(), project_id='p',
        user_id='u', flavor=flavor,
        image=objects.ImageMeta.from_dict({}), num_instances=num,
        availability_zone=zone, is_bfv=False, retry_hosts=[])


def _allocations(url, consumer):
    return requests.get(url + '/allocations/' + consumer, headers={
        'X-Auth-Token': 'admin',
        'OpenStack-API-Version': 'placement 1.28'}).json()['allocations']


class _ViaRPC:
    """select_destinations through SchedulerAPI, as the conductor calls."""

    def __init__(self):
        self.api = rpcapi.SchedulerAPI()

    def select_destinations(self, ctxt, spec, uuids):
        return self.api.select_destinations(ctxt, spec, uuids)


@pytest.fixture
def scheduler(scheduler_service):
    return _ViaRPC()


def test_picks_host_with_most_free_ram_and_claims(cells, scheduler,
                                                  placement):
    cells.add_compute('small', memory_mb=2048)
    big = cells.add_compute('big', memory_mb=16384)
    cells.add_compute('mid', memory_mb=4096)
    uuid = uuidutils.generate_uuid()
    [host_list] = scheduler.select_destinations(
        cells.ctxt, _spec(), [uuid])
    selected = host_list[0]
    assert (selected.service_host, selected.compute_node_uuid) == ('big',
                                                                  big)
    assert selected.cell_uuid == cells.cell1.uuid
    # Alternates: the other hosts of the cell, best first, max_attempts-1.
    assert [s.service_host for s in host_list[1:]] == ['mid', 'small']
    allocs = _allocations(placement, uuid)
    assert {rp: a['resources'] for rp, a in allocs.items()} == {
        big: {'VCPU': 1, 'MEMORY_MB': 1024, 'DISK_GB': 10}}
    assert jsonutils.loads(selected.allocation_request)['allocations'][big]


def test_alternates_limited_by_max_attempts(cells, scheduler):
    for name in ('a', 'b', 'c', 'd'):
        cells.add_compute(name)
    CONF.set_override('max_attempts', 2, group='scheduler')
    try:
        [host_list] = scheduler.select_destinations(
            cells.ctxt, _spec(), [uuidutils.generate_uuid()])
    finally:
        CONF.clear_override('max_attempts', group='scheduler')
    assert len(host_list) == 2


def test_second_instance_sees_first_ones_usage(cells, scheduler):
    cells.add_compute('a', memory_mb=4096)
    cells.add_compute('b', memory_mb=3072)
    uuids = [uuidutils.generate_uuid() for _i in range(2)]
    host_lists = scheduler.select_destinations(
        cells.ctxt, _spec(memory_mb=2048, num=2), uuids)
    # a (4096 free) takes the first; then b has more free RAM than a.
    assert [hl[0].service_host for hl in host_lists] == ['a', 'b']


def test_skips_disabled_and_down_services(cells, scheduler):
    cells.add_compute('off', memory_mb=16384, disabled=True)
    cells.add_compute('dead', memory_mb=16384, up=False)
    cells.add_compute('ok', memory_mb=2048)
    [host_list] = scheduler.select_destinations(
        cells.ctxt, _spec(), [uuidutils.generate_uuid()])
    assert [s.service_host for s in host_list] == ['ok']


def test_no_valid_host_names_the_filters(cells, scheduler, placement,
                                         override):
    # Without the zone pre-filter the AvailabilityZoneFilter decides.
    override('query_placement_for_availability_zone', False, 'scheduler')
    cells.add_compute('off', disabled=True)
    cells.add_compute('dead', up=False)
    cells.add_compute('elsewhere')
    uuid = uuidutils.generate_uuid()
    with pytest.raises(exception.NoValidHost) as err:
        scheduler.select_destinations(cells.ctxt, _spec(zone='az1'), [uuid])
    assert err.value.format_message() == (
        'No valid host was found. 3 hosts were rejected: 2 by ComputeFilter '
        '(service down or disabled), 1 by AvailabilityZoneFilter (not in '
        'zone az1).')
    assert _allocations(placement, uuid) == {}


def test_requested_default_zone_is_accepted(cells, scheduler):
    cells.add_compute('a')
    [host_list] = scheduler.select_destinations(
        cells.ctxt, _spec(zone=CONF.default_availability_zone),
        [uuidutils.generate_uuid()])
    assert host_list[0].service_host == 'a'


def test_no_valid_host_when_nothing_is_big_enough(cells, scheduler):
    cells.add_compute('a', vcpus=2)
    with pytest.raises(exception.NoValidHost,
                       match=r'No host has 4 free VCPU, 2048 MB of memory '
                             r'and 20 GB of disk \(Placement returned no '
                             r'candidates\)'):
        scheduler.select_destinations(
            cells.ctxt, _spec(vcpus=4, memory_mb=2048, root_gb=20),
            [uuidutils.generate_uuid()])


def test_partial_claims_are_undone(cells, scheduler, placement):
    # Room for two instances of 2048 MB in total, three asked for.
    cells.add_compute('a', memory_mb=2048)
    cells.add_compute('b', memory_mb=2048)
    uuids = [uuidutils.generate_uuid() for _i in range(3)]
    with pytest.raises(exception.NoValidHost,
                       match='2 of 3 instances were placed'):
        scheduler.select_destinations(
            cells.ctxt, _spec(memory_mb=2048, num=3), uuids)
    for uuid in uuids:
        assert _allocations(placement, uuid) == {}


def test_forced_host(cells, scheduler):
    cells.add_compute('big', memory_mb=16384)
    cells.add_compute('small', memory_mb=2048)
    spec = _spec()
    spec.force_hosts = ['small']
    [host_list] = scheduler.select_destinations(
        cells.ctxt, spec, [uuidutils.generate_uuid()])
    assert [s.service_host for s in host_list] == ['small']


def test_without_instance_uuids_nothing_is_claimed(cells, scheduler,
                                                   placement):
    node = cells.add_compute('a')
    [host_list] = scheduler.select_destinations(cells.ctxt, _spec(), None)
    assert host_list[0].compute_node_uuid == node
    usages = requests.get(
        placement + f'/resource_providers/{node}/usages',
        headers={'X-Auth-Token': 'admin'}).json()['usages']
    assert usages['MEMORY_MB'] == 0


def test_provider_without_compute_node_is_explained(cells, scheduler):
    # A provider left behind by a deleted compute node.
    client = report.report_client_singleton()
    rp = uuidutils.generate_uuid()
    client.ensure_resource_provider(cells.ctxt, rp, 'ghost')
    client.set_inventory_for_provider(cells.ctxt, rp, {
        'VCPU': {'total': 8}, 'MEMORY_MB': {'total': 8192},
        'DISK_GB': {'total': 100}})
    with pytest.raises(exception.NoValidHost,
                       match='Placement proposed 1 hosts but none is the '
                             'compute node of a service in any cell'):
        scheduler.select_destinations(cells.ctxt, _spec(),
                                      [uuidutils.generate_uuid()])


def test_failed_claim_falls_back_to_next_host(cells, scheduler,
                                              monkeypatch):
    big = cells.add_compute('big', memory_mb=16384)
    small = cells.add_compute('small', memory_mb=2048)
    real_claim = report.SchedulerReportClient.claim_resources

    def claim(self, ctxt, consumer, areq, *args, **kwargs):
        if big in areq['allocations']:
            return False    # another scheduler took big's room meanwhile
        return real_claim(self, ctxt, consumer, areq, *args, **kwargs)

    monkeypatch.setattr(report.SchedulerReportClient, 'claim_resources',
                        claim)
    [host_list] = scheduler.select_destinations(
        cells.ctxt, _spec(), [uuidutils.generate_uuid()])
    assert host_list[0].compute_node_uuid == small
