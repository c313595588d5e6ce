"""/servers/{id}/os-server-password against real DBs."""

from nova import context as nova_context
from nova import objects
from nova.api.openstack.compute import server_password
from nova.tests.unit.api.openstack.compute import test_servers

flavor = test_servers.flavor
PASSWORD = 'x' * 300 + 'y'


def _server_with_password(client, dbs, password):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid)
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        inst = objects.Instance.get_by_uuid(
            cctxt, uuid, expected_attrs=['system_metadata'])
        sysmeta = dict(inst.system_metadata)
        sysmeta.update(server_password.password_chunks(password))
        inst.system_metadata = sysmeta
        inst.save()
    return uuid


def test_show_joins_the_chunks(client, dbs, flavor, peers):
    uuid = _server_with_password(client, dbs, PASSWORD)
    resp = client.get(f'/v2.1/servers/{uuid}/os-server-password')
    assert resp.status_int == 200
    assert resp.json_body_or_none == {'password': PASSWORD}


def test_no_password_is_empty_string(client, dbs, flavor, peers):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    resp = client.get(f'/v2.1/servers/{uuid}/os-server-password')
    assert resp.json_body_or_none == {'password': ''}


def test_clear(client, dbs, flavor, peers):
    uuid = _server_with_password(client, dbs, PASSWORD)
    resp = client.delete(f'/v2.1/servers/{uuid}/os-server-password')
    assert resp.status_int == 204
    assert not resp.body
    resp = client.get(f'/v2.1/servers/{uuid}/os-server-password')
    assert resp.json_body_or_none == {'password': ''}


def test_unknown_server_is_404(client, dbs):
    resp = client.get('/v2.1/servers/9f3c4a4e-0000-4000-8000-000000000000'
                      '/os-server-password')
    assert resp.status_int == 404
