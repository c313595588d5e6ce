"""Microversion 2.53: services and hypervisors are named by their uuids
(real cell and API DBs)."""

import uuid

from tempest.lib.api_schema.response.compute.v2_53 import hypervisors as hv
from tempest.lib.api_schema.response.compute.v2_53 import services as sv

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api.openstack.compute import hosts_fixture, test_servers

flavor = test_servers.flavor

SERVICES = '/v2.1/os-services'
HYPERVISORS = '/v2.1/os-hypervisors'
V = '2.53'


def _service(dbs, svc_id):
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        return objects.Service.get_by_id(cctxt, svc_id)


# Services -----------------------------------------------------------------

def test_service_ids_are_uuids(admin_client, dbs):
    svc, _node = hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.get(SERVICES, version=V)
    body = resp.json_body_or_none
    validation.validate(sv.list_services['response_body'], body)
    assert [s['id'] for s in body['services']] == [svc.uuid]
    # Before 2.53 the same service has its integer id.
    old = admin_client.get(SERVICES, version='2.52').json_body_or_none
    assert [s['id'] for s in old['services']] == [svc.id]


def test_update_disables_with_reason_and_answers_the_service(
        admin_client, dbs):
    svc, _node = hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.put(f'{SERVICES}/{svc.uuid}',
                            {'status': 'disabled',
                             'disabled_reason': 'maintenance'}, version=V)
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(sv.update_service['response_body'], body)
    assert body['service']['id'] == svc.uuid
    assert (body['service']['status'],
            body['service']['disabled_reason']) == ('disabled',
                                                    'maintenance')
    stored = _service(dbs, svc.id)
    assert (stored.disabled, stored.disabled_reason) == (True,
                                                         'maintenance')


def test_enabling_clears_the_reason(admin_client, dbs):
    svc, _node = hosts_fixture.add_compute(
        dbs, 'host1', disabled=True, disabled_reason='old')
    resp = admin_client.put(f'{SERVICES}/{svc.uuid}',
                            {'status': 'enabled'}, version=V)
    assert resp.status_int == 200
    assert resp.json_body_or_none['service']['disabled_reason'] is None
    assert _service(dbs, svc.id).disabled is False


def test_update_forces_down(admin_client, dbs):
    svc, _node = hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.put(f'{SERVICES}/{svc.uuid}',
                            {'forced_down': True}, version=V)
    assert resp.status_int == 200
    assert resp.json_body_or_none['service']['forced_down'] is True
    assert resp.json_body_or_none['service']['state'] == 'down'
    assert _service(dbs, svc.id).forced_down is True


def test_update_refuses_bad_requests(admin_client, dbs):
    svc, _node = hosts_fixture.add_compute(dbs, 'host1')
    url = f'{SERVICES}/{svc.uuid}'
    # Nothing to change, a reason without disabling, unknown fields.
    for body in ({}, {'disabled_reason': 'x'},
                 {'status': 'enabled', 'disabled_reason': 'x'},
                 {'status': 'off'}, {'host': 'host1', 'status': 'enabled'}):
        resp = admin_client.put(url, body, version=V)
        assert resp.status_int == 400, body
    # The pre-2.53 action paths are not uuids.
    resp = admin_client.put(f'{SERVICES}/disable',
                            {'host': 'host1', 'binary': 'nova-compute'},
                            version=V)
    assert resp.status_int == 400
    assert _service(dbs, svc.id).disabled is False


def test_update_unknown_uuid_is_404(admin_client, dbs):
    resp = admin_client.put(f'{SERVICES}/{uuid.uuid4()}',
                            {'status': 'disabled'}, version=V)
    assert resp.status_int == 404


def test_only_compute_services_can_be_updated(admin_client, dbs):
    svc = hosts_fixture.add_service(dbs, 'ctl', binary='nova-conductor')
    resp = admin_client.put(f'{SERVICES}/{svc.uuid}',
                            {'status': 'disabled'}, version=V)
    assert resp.status_int == 400
    assert 'nova-conductor' in resp.json_body_or_none['badRequest'][
        'message']


def test_update_is_admin_only(client, dbs):
    svc, _node = hosts_fixture.add_compute(dbs, 'host1')
    resp = client.put(f'{SERVICES}/{svc.uuid}', {'status': 'disabled'},
                      version=V)
    assert resp.status_int == 403


def test_delete_by_uuid(admin_client, dbs, recording_placement):
    svc, node = hosts_fixture.add_compute(dbs, 'host1')
    assert admin_client.delete(f'{SERVICES}/{svc.id}',
                               version=V).status_int == 400
    assert admin_client.delete(f'{SERVICES}/{uuid.uuid4()}',
                               version=V).status_int == 404
    resp = admin_client.delete(f'{SERVICES}/{svc.uuid}', version=V)
    assert resp.status_int == 204
    assert recording_placement.deleted == [node.uuid]
    assert admin_client.get(SERVICES, version=V).json_body_or_none[
        'services'] == []


# Hypervisors --------------------------------------------------------------

def test_hypervisor_ids_are_uuids(admin_client, dbs):
    svc, node = hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.get(HYPERVISORS + '/detail', version=V)
    body = resp.json_body_or_none
    validation.validate(hv.list_hypervisors_detail['response_body'], body)
    hyp = body['hypervisors'][0]
    assert (hyp['id'], hyp['service']['id']) == (node.uuid, svc.uuid)
    resp = admin_client.get(f'{HYPERVISORS}/{node.uuid}', version=V)
    validation.validate(hv.get_hypervisor['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none['hypervisor']['id'] == node.uuid
    assert 'servers' not in resp.json_body_or_none['hypervisor']


def test_hypervisor_show_refuses_integer_ids(admin_client, dbs):
    _svc, node = hosts_fixture.add_compute(dbs, 'host1')
    assert admin_client.get(f'{HYPERVISORS}/{node.id}',
                            version=V).status_int == 400
    assert admin_client.get(f'{HYPERVISORS}/{node.id}/uptime',
                            version=V).status_int == 400
    assert admin_client.get(f'{HYPERVISORS}/{uuid.uuid4()}',
                            version=V).status_int == 404


def test_search_and_servers_paths_are_gone(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    for path in ('/host/search', '/host/servers'):
        assert admin_client.get(HYPERVISORS + path,
                                version=V).status_int == 404
        assert admin_client.get(HYPERVISORS + path,
                                version='2.52').status_int == 200


def test_hostname_pattern_and_with_servers(admin_client, client, dbs,
                                           flavor):
    hosts_fixture.add_compute(dbs, 'host1')
    _svc, node2 = hosts_fixture.add_compute(dbs, 'other2')
    server = test_servers._boot(client).json_body_or_none['server']['id']
    test_servers._schedule(dbs, server, host='other2')
    resp = admin_client.get(
        HYPERVISORS + '?hypervisor_hostname_pattern=other&with_servers=1',
        version=V)
    body = resp.json_body_or_none
    validation.validate(hv.list_search_hypervisors['response_body'], body)
    assert [h['id'] for h in body['hypervisors']] == [node2.uuid]
    assert [s['uuid'] for s in body['hypervisors'][0]['servers']] == [
        server]
    # No server wanted: none shown.
    body = admin_client.get(
        HYPERVISORS + '/detail?hypervisor_hostname_pattern=other',
        version=V).json_body_or_none
    assert 'servers' not in body['hypervisors'][0]
    shown = admin_client.get(f'{HYPERVISORS}/{node2.uuid}?with_servers=true',
                             version=V).json_body_or_none['hypervisor']
    assert [s['uuid'] for s in shown['servers']] == [server]


def test_hostname_pattern_errors(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.get(
        HYPERVISORS + '?hypervisor_hostname_pattern=nomatch', version=V)
    assert resp.status_int == 404
    resp = admin_client.get(
        HYPERVISORS + '?hypervisor_hostname_pattern=host&limit=1',
        version=V)
    assert resp.status_int == 400
    resp = admin_client.get(HYPERVISORS + '?with_servers=maybe', version=V)
    assert resp.status_int == 400


def test_paging_markers_are_uuids(admin_client, dbs):
    _s1, node1 = hosts_fixture.add_compute(dbs, 'host1')
    _s2, node2 = hosts_fixture.add_compute(dbs, 'host2')
    body = admin_client.get(HYPERVISORS + '?limit=1',
                            version=V).json_body_or_none
    assert [h['id'] for h in body['hypervisors']] == [node1.uuid]
    assert f'marker={node1.uuid}' in body['hypervisors_links'][0]['href']
    body = admin_client.get(f'{HYPERVISORS}?marker={node1.uuid}',
                            version=V).json_body_or_none
    assert [h['id'] for h in body['hypervisors']] == [node2.uuid]
    assert admin_client.get(f'{HYPERVISORS}?marker={node1.id}',
                            version=V).status_int == 400
    assert admin_client.get(f'{HYPERVISORS}?marker={uuid.uuid4()}',
                            version=V).status_int == 400
