"""SchedulerReportClient against the real Placement service."""

from unittest import mock

import pytest
import requests
from oslo_utils import uuidutils

import nova.conf
from nova import context as nova_context
from nova import exception
from nova.scheduler.client import report

CONF = nova.conf.CONF

INV = {'VCPU': {'total': 8, 'reserved': 0, 'min_unit': 1, 'max_unit': 8,
                'step_size': 1, 'allocation_ratio': 1.0},
       'MEMORY_MB': {'total': 4096, 'reserved': 0, 'min_unit': 1,
                     'max_unit': 4096, 'step_size': 1,
                     'allocation_ratio': 1.0}}


def _pl(url, path, method='GET', body=None):
    return requests.request(method, url + path, json=body, headers={
        'X-Auth-Token': 'admin', 'OpenStack-API-Version': 'placement 1.36'})


@pytest.fixture
def ctxt():
    return nova_context.get_admin_context()


@pytest.fixture
def client(placement):
    return report.SchedulerReportClient()


def _provider(client, ctxt, name='node1', inv=INV):
    rp = uuidutils.generate_uuid()
    client.ensure_resource_provider(ctxt, rp, name)
    client.set_inventory_for_provider(ctxt, rp, inv)
    return rp


def test_ensure_provider_creates_it_with_inventory(client, ctxt, placement):
    rp = _provider(client, ctxt)
    body = _pl(placement, f'/resource_providers/{rp}/inventories').json()
    assert body['inventories']['VCPU']['total'] == 8
    assert body['inventories']['MEMORY_MB']['total'] == 4096


def test_ensure_provider_is_idempotent_across_clients(client, ctxt,
                                                      placement):
    rp = _provider(client, ctxt)
    other = report.SchedulerReportClient()
    assert other.ensure_resource_provider(ctxt, rp, 'node1') == rp
    rps = _pl(placement, '/resource_providers').json()['resource_providers']
    assert [r['uuid'] for r in rps] == [rp]


def test_ensure_provider_name_taken_is_conflict(client, ctxt):
    _provider(client, ctxt, name='dup')
    with pytest.raises(exception.Conflict, match='named dup'):
        report.SchedulerReportClient().ensure_resource_provider(
            ctxt, uuidutils.generate_uuid(), 'dup')


def test_unchanged_inventory_makes_no_call(client, ctxt):
    rp = _provider(client, ctxt)
    with mock.patch.object(client, '_request') as request:
        assert client.set_inventory_for_provider(ctxt, rp, INV) is False
    request.assert_not_called()


def test_inventory_retries_on_generation_conflict(client, ctxt, placement):
    rp = _provider(client, ctxt)
    # Another writer bumps the generation behind the client's cache.
    resp = _pl(placement, f'/resource_providers/{rp}/traits', 'PUT',
               {'resource_provider_generation': 1,
                'traits': ['HW_CPU_X86_AVX']})
    assert resp.status_code == 200
    new = dict(INV, VCPU=dict(INV['VCPU'], total=16, max_unit=16))
    assert client.set_inventory_for_provider(ctxt, rp, new) is True
    body = _pl(placement, f'/resource_providers/{rp}/inventories').json()
    assert body['inventories']['VCPU']['total'] == 16


def test_inventory_gives_up_after_bounded_conflicts(client, ctxt):
    rp = _provider(client, ctxt)
    conflict = mock.Mock(status_code=409)
    conflict.json.return_value = {'errors': [
        {'code': 'placement.concurrent_update', 'detail': 'changed'}]}
    with mock.patch.object(client, 'put', return_value=conflict) as put, \
            pytest.raises(exception.ResourceProviderGenerationConflict):
        client.set_inventory_for_provider(
            ctxt, rp, dict(INV, DISK_GB=dict(INV['VCPU'])))
    assert put.call_count == report.GENERATION_CONFLICT_RETRIES + 1


def test_claim_and_delete_allocations(client, ctxt, placement):
    rp = _provider(client, ctxt)
    reqs, summaries = client.get_allocation_candidates(
        ctxt, {'VCPU': 2, 'MEMORY_MB': 1024})
    assert rp in summaries
    consumer = uuidutils.generate_uuid()
    assert client.claim_resources(ctxt, consumer, reqs[0], 'p', 'u', '1.36')
    assert client.get_allocations_for_consumer(ctxt, consumer) == {
        rp: {'resources': {'VCPU': 2, 'MEMORY_MB': 1024},
             'generation': mock.ANY}}
    assert client.delete_allocation_for_instance(ctxt, consumer) is True
    assert _pl(placement, f'/allocations/{consumer}').json()[
        'allocations'] == {}
    assert client.delete_allocation_for_instance(ctxt, consumer) is False


def test_claim_that_does_not_fit_returns_false(client, ctxt):
    rp = _provider(client, ctxt)
    too_big = {'allocations': {rp: {'resources': {'VCPU': 9}}}}
    assert client.claim_resources(ctxt, uuidutils.generate_uuid(), too_big,
                                  'p', 'u', '1.36') is False


def test_claim_adds_to_existing_consumer(client, ctxt):
    rp1 = _provider(client, ctxt, 'a')
    rp2 = _provider(client, ctxt, 'b')
    consumer = uuidutils.generate_uuid()
    client.claim_resources(ctxt, consumer, {'allocations': {
        rp1: {'resources': {'VCPU': 1}}}}, 'p', 'u')
    assert client.claim_resources(ctxt, consumer, {'allocations': {
        rp2: {'resources': {'VCPU': 2}}}}, 'p', 'u')
    allocs = client.get_allocations_for_consumer(ctxt, consumer)
    assert {rp: a['resources'] for rp, a in allocs.items()} == {
        rp1: {'VCPU': 1}, rp2: {'VCPU': 2}}


def test_remove_provider_from_allocation(client, ctxt):
    rp1 = _provider(client, ctxt, 'a')
    rp2 = _provider(client, ctxt, 'b')
    consumer = uuidutils.generate_uuid()
    client.claim_resources(ctxt, consumer, {'allocations': {
        rp1: {'resources': {'VCPU': 1}}, rp2: {'resources': {'VCPU': 1}}}},
        'p', 'u')
    assert client.remove_provider_from_instance_allocation(
        ctxt, consumer, rp1) is True
    assert list(client.get_allocations_for_consumer(ctxt, consumer)) == [rp2]


def test_candidates_honour_traits(client, ctxt):
    rp1 = _provider(client, ctxt, 'a')
    rp2 = _provider(client, ctxt, 'b')
    client.set_traits_for_provider(ctxt, rp1, ['CUSTOM_GOLD'])
    _r, summaries = client.get_allocation_candidates(
        ctxt, {'VCPU': 1}, required_traits=['CUSTOM_GOLD'])
    assert list(summaries) == [rp1]
    _r, summaries = client.get_allocation_candidates(
        ctxt, {'VCPU': 1}, forbidden_traits=['CUSTOM_GOLD'])
    assert list(summaries) == [rp2]


def test_unknown_resource_class_is_no_valid_host(client, ctxt):
    with pytest.raises(exception.NoValidHost, match='CUSTOM_NOPE'):
        client.get_allocation_candidates(ctxt, {'CUSTOM_NOPE': 1})


def test_delete_provider_cascade_removes_allocations(client, ctxt,
                                                     placement):
    rp = _provider(client, ctxt)
    consumer = uuidutils.generate_uuid()
    client.claim_resources(ctxt, consumer, {'allocations': {
        rp: {'resources': {'VCPU': 1}}}}, 'p', 'u')
    with pytest.raises(exception.Conflict):
        client.delete_resource_provider(ctxt, rp)
    client.delete_resource_provider(ctxt, rp, cascade=True)
    assert _pl(placement, f'/resource_providers/{rp}').status_code == 404


def test_unreachable_placement_names_the_url(ctxt, placement):
    CONF.set_override('endpoint_override', 'http://127.0.0.1:9',
                      group='placement')
    with pytest.raises(exception.PlacementAPIConnectFailure,
                       match='http://127.0.0.1:9'):
        report.SchedulerReportClient().get_provider(
            ctxt, uuidutils.generate_uuid())
