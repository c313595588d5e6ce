"""/servers/{id}/os-virtual-interfaces up to 2.43 (404 from 2.44)."""

from nova import context as nova_context
from nova import objects
from nova.network import flat
from nova.tests.unit.api.openstack.compute import test_servers

flavor = test_servers.flavor


def _server_with_vif(client, dbs):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid)
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        vif = objects.VirtualInterface.allocate_fixed_ip(
            cctxt, uuid, '10.0.0.0/24', '10.0.0.1', 'private')
    return uuid, vif


def test_list_with_net_id_from_2_12(client, dbs, flavor, peers):
    uuid, vif = _server_with_vif(client, dbs)
    url = f'/v2.1/servers/{uuid}/os-virtual-interfaces'
    resp = client.get(url, version='2.11')
    assert resp.status_int == 200
    assert resp.json_body_or_none == {'virtual_interfaces': [
        {'id': vif.uuid, 'mac_address': vif.address}]}
    resp = client.get(url, version='2.12')
    assert resp.json_body_or_none['virtual_interfaces'][0]['net_id'] == \
        flat.network_id('private')


def test_404_from_2_44(client, dbs, flavor, peers):
    uuid, _vif = _server_with_vif(client, dbs)
    resp = client.get(f'/v2.1/servers/{uuid}/os-virtual-interfaces',
                      version='2.44')
    assert resp.status_int == 404
