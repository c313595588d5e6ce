"""Services, hypervisors, availability zones, aggregates, quotas and
limits through the REST API of the all-in-one service (real Placement,
fake virt driver). Every test puts back what it changed: the service is
shared by the whole session."""

import pytest

from nova.tests.functional import fixtures


def _compute(api):
    services = api.get('/os-services?binary=nova-compute').json()['services']
    assert services, 'the all-in-one service runs a nova-compute'
    return services[0]


def _service_body(service, **extra):
    return dict(host=service['host'], binary=service['binary'], **extra)


def test_services_list_disable_enable_force_down(api):
    resp = api.get('/os-services')
    assert resp.status_code == 200, resp.text
    binaries = {s['binary'] for s in resp.json()['services']}
    assert {'nova-compute', 'nova-conductor', 'nova-scheduler'} <= binaries
    compute = _compute(api)
    assert (compute['state'], compute['status']) == ('up', 'enabled')
    try:
        resp = api.request('PUT', '/os-services/disable-log-reason',
                           json=_service_body(compute,
                                              disabled_reason='test'))
        assert resp.status_code == 200, resp.text
        shown = _compute(api)
        assert (shown['status'], shown['disabled_reason']) == (
            'disabled', 'test')
        resp = api.request('PUT', '/os-services/enable',
                           json=_service_body(compute))
        assert resp.json()['service']['status'] == 'enabled'
        resp = api.request('PUT', '/os-services/force-down',
                           json=_service_body(compute, forced_down=True))
        assert resp.status_code == 200, resp.text
        shown = _compute(api)
        assert (shown['state'], shown['forced_down']) == ('down', True)
    finally:
        api.request('PUT', '/os-services/enable',
                    json=_service_body(compute))
        api.request('PUT', '/os-services/force-down',
                    json=_service_body(compute, forced_down=False))
    assert _compute(api)['state'] == 'up'


def test_hypervisors_show_the_fake_host(api):
    compute = _compute(api)
    hyps = api.get('/os-hypervisors').json()['hypervisors']
    assert hyps and all(h['state'] == 'up' for h in hyps)
    detail = api.get('/os-hypervisors/detail').json()['hypervisors'][0]
    assert detail['service']['host'] == compute['host']
    assert detail['hypervisor_type'] and detail['vcpus'] > 0
    assert isinstance(detail['cpu_info'], dict)      # 2.28+
    stats = api.get('/os-hypervisors/statistics').json()[
        'hypervisor_statistics']
    assert stats['count'] == len(hyps)
    assert stats['vcpus'] >= detail['vcpus']
    found = api.get(f"/os-hypervisors/{detail['hypervisor_hostname']}"
                    '/search', microversion='2.47').json()['hypervisors']
    assert [h['id'] for h in found] == [detail['id']]


@pytest.fixture
def zone_aggregate(api, placement):
    """Aggregate 'func-az' in zone 'func-zone' holding the compute host."""
    host = _compute(api)['host']
    resp = api.post('/os-aggregates', json={'aggregate': {
        'name': 'func-az', 'availability_zone': 'func-zone'}})
    assert resp.status_code == 200, resp.text
    agg = resp.json()['aggregate']
    resp = api.post(f"/os-aggregates/{agg['id']}/action",
                    json={'add_host': {'host': host}})
    assert resp.status_code == 200, resp.text
    try:
        yield resp.json()['aggregate'], host
    finally:
        api.post(f"/os-aggregates/{agg['id']}/action",
                 json={'remove_host': {'host': host}})
        api.delete(f"/os-aggregates/{agg['id']}")


def test_aggregate_zone_is_where_a_boot_lands(api, image_id, placement,
                                              zone_aggregate):
    agg, host = zone_aggregate
    # Placement knows the compute node provider is in the aggregate.
    hyp = api.get('/os-hypervisors/detail').json()['hypervisors'][0]
    rps = {rp['name']: rp['uuid'] for rp in placement.providers()}
    rp_uuid = rps[hyp['hypervisor_hostname']]
    resp = placement.session.get(
        f'{placement.url}/resource_providers/{rp_uuid}/aggregates',
        timeout=10)
    assert agg['uuid'] in resp.json()['aggregates']
    zones = api.get('/os-availability-zone').json()['availabilityZoneInfo']
    assert {'zoneName': 'func-zone', 'zoneState': {'available': True},
            'hosts': None} in zones
    server = api.create_server('in-zone', image_id,
                               availability_zone='func-zone')
    try:
        active = api.wait_for_server(server['id'], ('ACTIVE', 'ERROR'))
        assert active['status'] == 'ACTIVE', active
        assert active['OS-EXT-AZ:availability_zone'] == 'func-zone'
        assert active['OS-EXT-SRV-ATTR:host'] == host
    finally:
        api.delete(f"/servers/{server['id']}")
        api.wait_until_gone(server['id'])


def test_boot_into_unknown_zone_is_400(api, image_id):
    resp = api.post('/servers', json={'server': {
        'name': 'nowhere', 'imageRef': image_id, 'flavorRef': '1',
        'networks': 'none', 'availability_zone': 'no-such-zone'}})
    assert resp.status_code == 400, resp.text
    assert 'no-such-zone' in resp.json()['badRequest']['message']


@pytest.fixture
def project_client(all_in_one, api):
    """A member of a project of its own; its quota is reset after."""
    client = fixtures.ComputeClient(all_in_one.endpoints.api_url,
                                    token='quser:qproject')
    yield client
    for server in client.get('/servers').json()['servers']:
        client.delete(f"/servers/{server['id']}")
        client.wait_until_gone(server['id'])
    api.delete('/os-quota-sets/qproject')


def test_quota_update_lowers_what_a_project_can_boot(api, project_client,
                                                     image_id):
    resp = api.request('PUT', '/os-quota-sets/qproject',
                       json={'quota_set': {'instances': 1}})
    assert resp.status_code == 200, resp.text
    first = project_client.create_server('q1', image_id, networks='none')
    project_client.wait_for_server(first['id'], ('ACTIVE', 'ERROR'))
    resp = project_client.post('/servers', json={'server': {
        'name': 'q2', 'imageRef': image_id, 'flavorRef': '1',
        'networks': 'none'}})
    assert resp.status_code == 403, resp.text
    assert 'instances' in resp.json()['forbidden']['message']


def test_limits_reflect_usage(project_client, image_id):
    def absolute():
        resp = project_client.get('/limits')
        assert resp.status_code == 200, resp.text
        return resp.json()['limits']['absolute']

    before = absolute()
    flavor = project_client.get('/flavors/1').json()['flavor']
    server = project_client.create_server('l1', image_id, networks='none')
    project_client.wait_for_server(server['id'], ('ACTIVE', 'ERROR'))
    after = absolute()
    assert after['totalInstancesUsed'] == before['totalInstancesUsed'] + 1
    assert after['totalCoresUsed'] == before['totalCoresUsed'] + \
        flavor['vcpus']
    assert after['totalRAMUsed'] == before['totalRAMUsed'] + flavor['ram']
