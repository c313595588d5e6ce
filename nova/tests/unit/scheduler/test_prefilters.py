"""Pre-filters and request groups against the real Placement, and the
dry run that claims nothing."""

import pytest
import requests
from oslo_utils import uuidutils

from nova import exception, objects
from nova.scheduler import rpcapi
from nova.scheduler.client import report
from nova.tests.unit.scheduler import fakes

HEADERS = {'X-Auth-Token': 'admin',
           'OpenStack-API-Version': 'placement 1.36'}


@pytest.fixture
def api(scheduler_service):
    return rpcapi.SchedulerAPI()


def _aggregate(cells, name, hosts, metadata, mirror=True):
    agg = objects.Aggregate(cells.ctxt, name=name, metadata=metadata)
    agg.create()
    for host, node in hosts:
        agg.add_host(host)
        if mirror:
            report.report_client_singleton().change_provider_aggregates(
                cells.ctxt, node, add=[agg.uuid])
    return agg


def _select(api, cells, spec, **kwargs):
    [host_list] = api.select_destinations(
        cells.ctxt, spec, [uuidutils.generate_uuid()], **kwargs)
    return host_list[0].service_host


def test_zone_is_asked_of_placement(cells, api):
    small = cells.add_compute('small', memory_mb=2048)
    cells.add_compute('big', memory_mb=16384)
    _aggregate(cells, 'z1', [('small', small)], {'availability_zone': 'az1'})
    assert _select(api, cells, fakes.spec(zone='az1')) == 'small'
    # The default zone: hosts in no zone aggregate.
    assert _select(api, cells, fakes.spec(zone='nova')) == 'big'


def test_zone_not_mirrored_in_placement_is_explained(cells, api):
    node = cells.add_compute('a')
    cells.add_compute('b')
    _aggregate(cells, 'z1', [('a', node)], {'availability_zone': 'az1'},
               mirror=False)
    with pytest.raises(exception.NoValidHost) as err:
        _select(api, cells, fakes.spec(zone='az1'))
    assert err.value.format_message() == (
        'No valid host was found. No host has 1 free VCPU, 512 MB of memory '
        'and 1 GB of disk in zone az1 (Placement returned no candidates; 2 '
        'hosts that are disabled or outside these limits have room).')


def test_unknown_zone_is_named(cells, api):
    cells.add_compute('a')
    with pytest.raises(exception.NoValidHost,
                       match='No host is in availability zone nowhere'):
        _select(api, cells, fakes.spec(zone='nowhere'))


def test_disabled_trait_keeps_placement_from_proposing_a_host(cells, api):
    big = cells.add_compute('big', memory_mb=16384)
    cells.add_compute('small', memory_mb=2048)
    report.report_client_singleton().set_traits_for_provider(
        cells.ctxt, big, ['COMPUTE_STATUS_DISABLED'])
    assert _select(api, cells, fakes.spec()) == 'small'


def test_tenant_aggregates(cells, api, override):
    override('limit_tenants_to_placement_aggregate', True, 'scheduler')
    mine = cells.add_compute('mine', memory_mb=2048)
    cells.add_compute('public', memory_mb=16384)
    _aggregate(cells, 't', [('mine', mine)], {'filter_tenant_id': 'p1'})
    assert _select(api, cells, fakes.spec(project_id='p1')) == 'mine'
    assert _select(api, cells, fakes.spec(project_id='p2')) == 'public'
    override('placement_aggregate_required_for_tenants', True, 'scheduler')
    with pytest.raises(exception.NoValidHost,
                       match='Project p2 has no host aggregate'):
        _select(api, cells, fakes.spec(project_id='p2'))


def test_image_type_support(cells, api, override):
    override('query_placement_for_image_type_support', True, 'scheduler')
    qcow = cells.add_compute('qcow', memory_mb=2048)
    cells.add_compute('raw', memory_mb=16384)
    report.report_client_singleton().set_traits_for_provider(
        cells.ctxt, qcow, ['COMPUTE_IMAGE_TYPE_QCOW2'])
    assert _select(api, cells, fakes.spec(disk_format='qcow2')) == 'qcow'
    with pytest.raises(exception.NoValidHost, match='supporting vmdk images'):
        _select(api, cells, fakes.spec(disk_format='vmdk'))


def test_required_trait_and_custom_resource_group(cells, api, placement):
    gold = cells.add_compute('gold', memory_mb=2048)
    cells.add_compute('plain', memory_mb=16384)
    client = report.report_client_singleton()
    client.set_traits_for_provider(cells.ctxt, gold, ['CUSTOM_GOLD'])
    requests.put(placement + '/resource_classes/CUSTOM_FPGA',
                 headers=HEADERS)
    inv = client.get_inventory(cells.ctxt, gold)
    inv['CUSTOM_FPGA'] = {'total': 2}
    client.set_inventory_for_provider(cells.ctxt, gold, inv)
    spec = fakes.spec(extra_specs={'trait:CUSTOM_GOLD': 'required'})
    assert _select(api, cells, spec) == 'gold'
    spec = fakes.spec(extra_specs={'resources1:CUSTOM_FPGA': '1'})
    uuid = uuidutils.generate_uuid()
    [host_list] = api.select_destinations(cells.ctxt, spec, [uuid])
    assert host_list[0].service_host == 'gold'
    allocs = requests.get(placement + '/allocations/' + uuid,
                          headers=HEADERS).json()['allocations']
    assert allocs[gold]['resources']['CUSTOM_FPGA'] == 1


def test_dry_run_chooses_without_claiming(cells, api, placement):
    node = cells.add_compute('a')
    cells.add_compute('b', memory_mb=512)      # too small for 1024 MB
    uuids = [uuidutils.generate_uuid() for _i in range(2)]
    host_lists = api.select_destinations(
        cells.ctxt, fakes.spec(memory_mb=1024), uuids, dry_run=True)
    assert [hl[0].service_host for hl in host_lists] == ['a', 'a']
    usages = requests.get(placement + f'/resource_providers/{node}/usages',
                          headers=HEADERS).json()['usages']
    assert usages['MEMORY_MB'] == 0
    for uuid in uuids:
        assert requests.get(placement + '/allocations/' + uuid,
                            headers=HEADERS).json()['allocations'] == {}


def test_dry_run_explains_a_failure(cells, api):
    cells.add_compute('a', disabled=True)
    with pytest.raises(exception.NoValidHost,
                       match=r'1 host was rejected: 1 by ComputeFilter'):
        api.select_destinations(cells.ctxt, fakes.spec(), None,
                                dry_run=True)
