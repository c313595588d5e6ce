"""The local flat network on a SQLite cell DB."""

import threading
import types

import pytest
from oslo_utils import uuidutils

import nova.conf
from nova import context, exception, network, objects
from nova.network import flat
from nova.tests.unit.db import fixtures as db_fixtures

CONF = nova.conf.CONF


@pytest.fixture
def ctxt(tmp_path):
    with db_fixtures.Databases(
            main_url='sqlite:///%s' % (tmp_path / 'cell.db')):
        yield context.get_admin_context()


@pytest.fixture
def api():
    return network.API()


def _inst():
    return types.SimpleNamespace(uuid=uuidutils.generate_uuid())


@pytest.fixture
def small_range():
    CONF.set_override('fixed_range', '10.9.0.0/29', group='network')
    yield
    CONF.clear_override('fixed_range', group='network')


def test_api_returns_flat_network(api):
    assert isinstance(api, flat.FlatNetworkAPI)


def test_allocate_gives_one_vif_in_contract_format(ctxt, api):
    [vif] = api.allocate_for_instance(ctxt, _inst(), None)
    assert vif['address'].startswith('fa:16:3e:')
    assert vif['devname'] == 'tap' + vif['id'][:11]
    assert vif['network']['label'] == 'private'
    assert vif['network']['bridge'] == 'br100'
    subnet = vif['network']['subnets'][0]
    assert (subnet['cidr'], subnet['gateway'], subnet['ips']) == (
        '10.0.0.0/24', '10.0.0.1',
        [{'address': '10.0.0.2', 'type': 'fixed', 'version': 4}])


def test_networks_none_allocates_nothing(ctxt, api):
    inst = _inst()
    assert api.allocate_for_instance(ctxt, inst, 'none') == []
    assert api.allocate_for_instance(
        ctxt, inst, [{'network_id': 'none'}]) == []
    assert api.get_instance_nw_info(ctxt, inst) == []


def test_unknown_network_is_not_found(ctxt, api):
    with pytest.raises(exception.NetworkNotFound, match='nosuchnet'):
        api.allocate_for_instance(ctxt, _inst(), [{'uuid': 'nosuchnet'}])


def test_nw_info_matches_allocation(ctxt, api):
    inst = _inst()
    vifs = api.allocate_for_instance(ctxt, inst, None)
    assert api.get_instance_nw_info(ctxt, inst) == vifs


def test_deallocate_frees_the_address(ctxt, api):
    inst = _inst()
    [vif] = api.allocate_for_instance(ctxt, inst, None)
    api.deallocate_for_instance(ctxt, inst)
    assert api.get_instance_nw_info(ctxt, inst) == []
    [again] = api.allocate_for_instance(ctxt, _inst(), None)
    assert (again['network']['subnets'][0]['ips'][0]['address']
            == vif['network']['subnets'][0]['ips'][0]['address'])


def test_exhausted_range_raises_and_keeps_nothing(ctxt, api, small_range):
    # /29: .1 gateway, .2-.6 usable, .7 broadcast; one left for two VIFs.
    for _ in range(4):
        api.allocate_for_instance(ctxt, _inst(), None)
    inst = _inst()
    with pytest.raises(exception.NoMoreFixedIps):
        api.allocate_for_instance(ctxt, inst, [{}, {}])
    assert objects.VirtualInterfaceList.get_by_instance_uuid(
        ctxt, inst.uuid).objects == []


def test_concurrent_allocations_are_unique(ctxt, api):
    addresses = []
    errors = []

    def allocate():
        try:
            [vif] = api.allocate_for_instance(ctxt, _inst(), None)
            addresses.append(vif['network']['subnets'][0]['ips'][0][
                'address'])
        except Exception as exc:  # noqa: BLE001 - reported by the assert
            errors.append(exc)
    threads = [threading.Thread(target=allocate) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(addresses)) == 12


def test_requested_fixed_ip_is_given(ctxt, api):
    [vif] = api.allocate_for_instance(
        ctxt, _inst(), [{'network_id': flat.network_id(),
                         'fixed_ip': '10.0.0.42'}])
    assert vif['network']['subnets'][0]['ips'][0]['address'] == '10.0.0.42'


def test_requested_fixed_ip_in_use_is_refused(ctxt, api):
    req = [{'network_id': flat.network_id(), 'fixed_ip': '10.0.0.42'}]
    api.allocate_for_instance(ctxt, _inst(), req)
    with pytest.raises(exception.InvalidInput, match='already in use'):
        api.allocate_for_instance(ctxt, _inst(), req)


def test_requested_fixed_ip_outside_range_is_refused(ctxt, api):
    with pytest.raises(exception.InvalidInput, match='not a usable'):
        api.allocate_for_instance(
            ctxt, _inst(), [{'network_id': flat.network_id(),
                             'fixed_ip': '192.168.1.5'}])
