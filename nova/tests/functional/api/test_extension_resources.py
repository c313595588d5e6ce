"""Flavor access, server groups, usage, external events, server password,
diagnostics, the audit log, extensions and the removed/proxy APIs
through the REST API of the all-in-one service (real Placement, fake
virt driver, real RPC over fake://). Every test removes what it made:
the service is shared by the whole session."""

import uuid

import pytest

from nova.tests.functional import fixtures


def _member_client(api, project):
    return fixtures.ComputeClient(api.base_url, token=f'user:{project}')


def test_private_flavor_access_flow(api):
    flavor_id = f'private-{uuid.uuid4().hex[:8]}'
    resp = api.post('/flavors', json={'flavor': {
        'name': flavor_id, 'id': flavor_id, 'ram': 64, 'vcpus': 1,
        'disk': 1, 'os-flavor-access:is_public': False}})
    assert resp.status_code == 200, resp.text
    other = _member_client(api, 'proj-flavor')
    try:
        assert other.get(f'/flavors/{flavor_id}').status_code == 404
        resp = api.post(f'/flavors/{flavor_id}/action', json={
            'addTenantAccess': {'tenant': 'proj-flavor'}})
        assert resp.status_code == 200, resp.text
        listed = [f['id'] for f in other.get('/flavors').json()['flavors']]
        assert flavor_id in listed
        resp = api.get(f'/flavors/{flavor_id}/os-flavor-access')
        assert resp.json() == {'flavor_access': [
            {'flavor_id': flavor_id, 'tenant_id': 'proj-flavor'}]}
        resp = api.post(f'/flavors/{flavor_id}/action', json={
            'addTenantAccess': {'tenant': 'proj-flavor'}})
        assert resp.status_code == 409
        resp = api.post(f'/flavors/{flavor_id}/action', json={
            'removeTenantAccess': {'tenant': 'proj-flavor'}})
        assert resp.json() == {'flavor_access': []}
        assert other.get(f'/flavors/{flavor_id}').status_code == 404
    finally:
        api.delete(f'/flavors/{flavor_id}')


@pytest.fixture
def group(api):
    resp = api.post('/os-server-groups', json={'server_group': {
        'name': 'functional', 'policies': ['anti-affinity']}})
    assert resp.status_code == 200, resp.text
    group = resp.json()['server_group']
    yield group
    api.delete(f'/os-server-groups/{group["id"]}')


@pytest.fixture
def grouped_server(api, image_id, group):
    resp = api.post('/servers', json={
        'server': {'name': 'grouped', 'imageRef': image_id,
                   'flavorRef': '1', 'networks': 'none'},
        'os:scheduler_hints': {'group': group['id']}})
    assert resp.status_code == 202, resp.text
    server = resp.json()['server']
    api.wait_for_server(server['id'], ('ACTIVE',))
    yield server
    api.delete(f'/servers/{server["id"]}')
    api.wait_until_gone(server['id'])


def test_server_group_members_usage_events_password_diagnostics(
        api, group, grouped_server):
    server_id = grouped_server['id']
    shown = api.get(f'/os-server-groups/{group["id"]}').json()
    assert shown['server_group']['members'] == [server_id]
    assert shown['server_group']['project_id'] == 'admin'

    usage = api.get('/os-simple-tenant-usage/admin?detailed=1'
                    '&start=2000-01-01T00:00:00').json()
    ids = [s['instance_id'] for s in usage['tenant_usage']['server_usages']]
    assert server_id in ids

    resp = api.post('/os-server-external-events', json={'events': [
        {'name': 'network-changed', 'server_uuid': server_id},
        {'name': 'network-vif-plugged',
         'server_uuid': str(uuid.uuid4())}]})
    assert resp.status_code == 207, resp.text
    assert [e['code'] for e in resp.json()['events']] == [200, 404]

    resp = api.get(f'/servers/{server_id}/os-server-password')
    assert resp.json() == {'password': ''}
    assert api.delete(
        f'/servers/{server_id}/os-server-password').status_code == 204

    resp = api.get(f'/servers/{server_id}/diagnostics')
    assert resp.status_code == 200, resp.text
    assert 'cpu0_time' in resp.json()


def test_deleted_server_leaves_the_group(api, image_id, group):
    resp = api.post('/servers', json={
        'server': {'name': 'leaving', 'imageRef': image_id,
                   'flavorRef': '1', 'networks': 'none'},
        'os:scheduler_hints': {'group': group['id']}})
    server_id = resp.json()['server']['id']
    api.wait_for_server(server_id, ('ACTIVE',))
    api.delete(f'/servers/{server_id}')
    api.wait_until_gone(server_id)
    shown = api.get(f'/os-server-groups/{group["id"]}').json()
    assert shown['server_group']['members'] == []


def test_audit_log_and_extensions(api):
    log = api.get('/os-instance_usage_audit_log').json()[
        'instance_usage_audit_logs']
    assert log['num_hosts'] >= 1 and log['num_hosts_done'] == 0
    aliases = [e['alias'] for e in api.get('/extensions').json()[
        'extensions']]
    assert 'os-server-groups' in aliases


def test_removed_and_proxy_apis(api):
    assert api.get('/os-cloudpipe').status_code == 410
    assert api.get('/os-networks').status_code == 404      # 2.47
    resp = api.get('/os-networks', microversion='2.35')
    assert resp.json()['networks'][0]['label']
    resp = api.get('/os-security-groups', microversion='2.35')
    assert resp.json()['security_groups'][0]['name'] == 'default'
