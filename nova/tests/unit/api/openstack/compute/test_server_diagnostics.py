"""/servers/{id}/diagnostics: the API over real DBs, the compute RPC
call answered by the fake virt driver."""

import pytest

from nova import context as nova_context
from nova.tests.unit.api.openstack.compute import test_servers
from nova.virt import driver as virt_driver
from nova.virt import fake

flavor = test_servers.flavor


@pytest.fixture
def fake_driver(peers):
    """The compute side of the RPC call: a fake driver on host1."""
    driver = fake.FakeDriver()
    driver.init_host('host1')
    peers['compute_rpc'].get_diagnostics = \
        lambda ctxt, instance: driver.get_diagnostics(instance)
    return driver


def _active_server(client, dbs, driver, vm_state='active'):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    inst = test_servers._schedule(dbs, uuid, vm_state=vm_state)
    driver.spawn(nova_context.get_admin_context(), inst, None, [], None, {})
    return uuid


def test_admin_gets_the_drivers_dict(client, admin_client, dbs, flavor,
                                     fake_driver):
    uuid = _active_server(client, dbs, fake_driver)
    resp = admin_client.get(f'/v2.1/servers/{uuid}/diagnostics')
    assert resp.status_int == 200
    body = resp.json_body_or_none
    assert body['memory'] == 2048 * 1024
    assert 'cpu0_time' in body and 'vda_read' in body


def test_non_admin_is_403(client, dbs, flavor, fake_driver):
    uuid = _active_server(client, dbs, fake_driver)
    assert client.get(f'/v2.1/servers/{uuid}/diagnostics').status_int == 403


def test_stopped_server_is_409(client, admin_client, dbs, flavor,
                               fake_driver):
    uuid = _active_server(client, dbs, fake_driver, vm_state='stopped')
    resp = admin_client.get(f'/v2.1/servers/{uuid}/diagnostics')
    assert resp.status_int == 409
    assert 'stopped' in resp.json_body_or_none['conflictingRequest'][
        'message']


def test_building_server_is_409(client, admin_client, dbs, flavor,
                                fake_driver):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    resp = admin_client.get(f'/v2.1/servers/{uuid}/diagnostics')
    assert resp.status_int == 409


def test_driver_without_diagnostics_is_501(client, admin_client, dbs,
                                           flavor, fake_driver, peers):
    uuid = _active_server(client, dbs, fake_driver)
    base = virt_driver.ComputeDriver()
    peers['compute_rpc'].get_diagnostics = \
        lambda ctxt, instance: base.get_diagnostics(instance)
    resp = admin_client.get(f'/v2.1/servers/{uuid}/diagnostics')
    assert resp.status_int == 501
    assert 'diagnostics' in resp.json_body_or_none['notImplemented'][
        'message']


def test_unknown_server_is_404(admin_client, dbs):
    resp = admin_client.get(
        '/v2.1/servers/9f3c4a4e-0000-4000-8000-000000000000/diagnostics')
    assert resp.status_int == 404
