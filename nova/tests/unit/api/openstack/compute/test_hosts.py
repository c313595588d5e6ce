"""/os-hosts up to 2.42 (404 from 2.43) against real cell DBs."""

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import hosts as schema

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api.openstack.compute import hosts_fixture, test_servers

flavor = test_servers.flavor
OLD = '2.42'


@pytest.fixture
def host1(dbs):
    return hosts_fixture.add_compute(dbs, 'host1')


def test_list_matches_schema_and_filters_by_zone(admin_client, dbs, host1):
    hosts_fixture.add_service(dbs, 'cond', binary='nova-conductor')
    resp = admin_client.get('/v2.1/os-hosts', version=OLD)
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(schema.list_hosts['response_body'], body)
    assert {(h['host_name'], h['service'], h['zone'])
            for h in body['hosts']} == {('host1', 'compute', 'nova'),
                                        ('cond', 'conductor', 'internal')}
    resp = admin_client.get('/v2.1/os-hosts?zone=nova', version=OLD)
    assert [h['host_name'] for h in resp.json_body_or_none['hosts']] == [
        'host1']


def test_show_gives_total_used_and_per_project(client, admin_client, dbs,
                                               host1, flavor, peers):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid, host='host1')
    resp = admin_client.get('/v2.1/os-hosts/host1', version=OLD)
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(schema.get_host_detail['response_body'], body)
    rows = {r['resource']['project']: r['resource'] for r in body['host']}
    assert rows['(total)']['cpu'] == 8
    assert rows['(used_now)']['memory_mb'] == 512
    assert rows['(used_max)']['memory_mb'] == 2048
    assert rows['fake-project']['disk_gb'] == 20


def test_unknown_host_is_404(admin_client, dbs):
    assert admin_client.get('/v2.1/os-hosts/nope',
                            version=OLD).status_int == 404


def test_update_disables_and_enables_the_compute(admin_client, dbs, host1):
    resp = admin_client.put('/v2.1/os-hosts/host1', {'status': 'disable'},
                            version=OLD)
    assert resp.status_int == 200
    assert resp.json_body_or_none == {'host': 'host1', 'status': 'disabled'}
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        assert objects.Service.get_by_compute_host(cctxt, 'host1').disabled
    resp = admin_client.put('/v2.1/os-hosts/host1', {'status': 'enable'},
                            version=OLD)
    assert resp.json_body_or_none['status'] == 'enabled'


def test_update_needs_status_or_maintenance(admin_client, dbs, host1):
    resp = admin_client.put('/v2.1/os-hosts/host1', {}, version=OLD)
    assert resp.status_int == 400
    resp = admin_client.put('/v2.1/os-hosts/host1',
                            {'maintenance_mode': 'enable'}, version=OLD)
    assert resp.status_int == 501


@pytest.mark.parametrize('action', ['reboot', 'shutdown', 'startup'])
def test_power_actions_are_501(admin_client, dbs, host1, action):
    resp = admin_client.get(f'/v2.1/os-hosts/host1/{action}', version=OLD)
    assert resp.status_int == 501


def test_404_from_2_43_and_admin_only(client, admin_client, dbs, host1):
    assert admin_client.get('/v2.1/os-hosts',
                            version='2.43').status_int == 404
    assert client.get('/v2.1/os-hosts', version=OLD).status_int == 403
