"""Filters and weighers through boots over HTTP, on a fleet of fake hosts.

Three hosts in zone ``fleet`` and one in ``fleet2`` (the all-in-one's own
compute stays in the default zone, out of the way) with differing
resources, traits and aggregates. Each scenario checks where the server
landed (or the fault that names the filter) and that Placement's usages
equal the sum of the live servers.
"""

import pytest

import nova.conf
from nova import context as nova_context
from nova import service
from nova.scheduler import host_discovery
from nova.virt import fake

CONF = nova.conf.CONF

FLEET = {
    'f-big': {'vcpus': 16, 'memory_mb': 16384, 'local_gb': 200,
              'hypervisor_version': 2000},
    'f-mid': {'vcpus': 8, 'memory_mb': 8192, 'local_gb': 100,
              'traits': ['CUSTOM_GOLD']},
    'f-small': {'vcpus': 4, 'memory_mb': 4096, 'local_gb': 50},
    'f-other': {'vcpus': 8, 'memory_mb': 8192, 'local_gb': 100},
}
ZONES = {'fleet': ['f-big', 'f-mid', 'f-small'], 'fleet2': ['f-other']}
ALL_FILTERS = ['ComputeFilter', 'AvailabilityZoneFilter',
               'ComputeCapabilitiesFilter', 'ImagePropertiesFilter',
               'SameHostFilter', 'DifferentHostFilter',
               'AggregateInstanceExtraSpecsFilter',
               'AggregateMultiTenancyIsolation', 'NumInstancesFilter',
               'IoOpsFilter']


def _scheduler(all_in_one):
    return next(part.manager for part in all_in_one._started
                if getattr(part, 'binary', None) == 'nova-scheduler')


def _ok(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json() if resp.text else None


class Fleet:
    def __init__(self, api, placement):
        self.api = api
        self.placement = placement
        self.services = []
        self.aggregates = []
        self.flavors = []

    def start(self):
        for host, spec in FLEET.items():
            fake.FakeDriver.set_host_resources(host, **spec)
            svc = service.Service.create('nova-compute', host=host)
            svc.start()
            self.services.append(svc)
        host_discovery.discover_hosts(nova_context.get_admin_context())
        for zone, hosts in ZONES.items():
            self.aggregate(zone, hosts, zone=zone)

    def aggregate(self, name, hosts, zone=None, metadata=None):
        body = {'name': name}
        if zone:
            body['availability_zone'] = zone
        agg = _ok(self.api.post('/os-aggregates',
                                json={'aggregate': body}))['aggregate']
        for host in hosts:
            _ok(self.api.post(f"/os-aggregates/{agg['id']}/action",
                              json={'add_host': {'host': host}}))
        if metadata:
            _ok(self.api.post(f"/os-aggregates/{agg['id']}/action",
                              json={'set_metadata': {'metadata': metadata}}))
        self.aggregates.append(agg)
        return agg

    def drop_aggregate(self, agg):
        shown = _ok(self.api.get(f"/os-aggregates/{agg['id']}"))['aggregate']
        for host in shown['hosts']:
            _ok(self.api.post(f"/os-aggregates/{agg['id']}/action",
                              json={'remove_host': {'host': host}}))
        _ok(self.api.delete(f"/os-aggregates/{agg['id']}"))
        self.aggregates.remove(agg)

    def flavor(self, name, vcpus=1, ram=512, disk=1, extra_specs=None):
        flavor = _ok(self.api.post('/flavors', json={'flavor': {
            'name': name, 'vcpus': vcpus, 'ram': ram, 'disk': disk}}))[
                'flavor']
        if extra_specs:
            _ok(self.api.post(f"/flavors/{flavor['id']}/os-extra_specs",
                              json={'extra_specs': extra_specs}))
        self.flavors.append(flavor['id'])
        return flavor['id']

    def service(self, host):
        return next(svc for svc in self.services if svc.host == host)

    def traits(self, host):
        rp = self.providers()[host]
        resp = self.placement.session.get(
            f'{self.placement.url}/resource_providers/{rp}/traits',
            timeout=10)
        assert resp.status_code == 200, resp.text
        return set(resp.json()['traits'])

    def providers(self):
        return {rp['name']: rp['uuid'] for rp in self.placement.providers()
                if rp['name'] in FLEET}

    def stop(self):
        for agg in list(self.aggregates):
            self.drop_aggregate(agg)
        for flavor_id in self.flavors:
            self.api.delete(f'/flavors/{flavor_id}')
        services = _ok(self.api.get('/os-services'))['services']
        for svc in self.services:
            svc.stop()
        for row in services:
            if row['host'] in FLEET:
                self.api.delete(f"/os-services/{row['id']}")
        fake.FakeDriver.clear_host_resources()


@pytest.fixture(scope='module')
def fleet(all_in_one, api, placement):
    CONF.set_override('enabled_filters', ALL_FILTERS,
                      group='filter_scheduler')
    scheduler = _scheduler(all_in_one)
    scheduler.reset()
    deployment = Fleet(api, placement)
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()
        CONF.clear_override('enabled_filters', group='filter_scheduler')
        scheduler.reset()


@pytest.fixture
def boot(fleet, api, image_id):
    """boot(flavor, zone='fleet', hints=None) -> the server once ACTIVE
    or ERROR; every server is deleted after the test, after checking
    that Placement holds exactly the live servers' usage."""
    created = []

    def _boot(flavor='1', zone='fleet', hints=None, name='sched'):
        body = {'name': name, 'imageRef': image_id, 'flavorRef': flavor,
                'networks': 'none'}
        if zone:
            body['availability_zone'] = zone
        req = {'server': body}
        if hints:
            req['os:scheduler_hints'] = hints
        resp = api.post('/servers', json=req)
        assert resp.status_code == 202, resp.text
        server_id = resp.json()['server']['id']
        created.append(server_id)
        return api.wait_for_server(server_id, ('ACTIVE', 'ERROR'))

    yield _boot
    _assert_usages_match(fleet, api)
    for server_id in created:
        api.delete(f'/servers/{server_id}')
    for server_id in created:
        api.wait_until_gone(server_id)


def _assert_usages_match(fleet, api):
    servers = _ok(api.get('/servers/detail'))['servers']
    expected = {host: {'VCPU': 0, 'MEMORY_MB': 0, 'DISK_GB': 0}
                for host in FLEET}
    for server in servers:
        host = server.get('OS-EXT-SRV-ATTR:host')
        if host in expected and server['status'] == 'ACTIVE':
            flavor = server['flavor']
            expected[host]['VCPU'] += flavor['vcpus']
            expected[host]['MEMORY_MB'] += flavor['ram']
            expected[host]['DISK_GB'] += flavor['disk']
    for host, rp in fleet.providers().items():
        usages = fleet.placement.usages(rp)
        assert {rc: usages.get(rc, 0) for rc in expected[host]} == \
            expected[host], host


def _host(server):
    assert server['status'] == 'ACTIVE', server.get('fault')
    return server['OS-EXT-SRV-ATTR:host']


def _fault(server):
    assert server['status'] == 'ERROR', server
    return server['fault']['message']


def test_weighers_spread_to_the_biggest_newest_host(boot):
    assert _host(boot()) == 'f-big'


def test_zone_pre_filter_and_filter(boot):
    assert _host(boot(zone='fleet2')) == 'f-other'


def test_required_trait_of_the_flavor(fleet, boot):
    gold = fleet.flavor('gold', extra_specs={'trait:CUSTOM_GOLD':
                                             'required'})
    assert _host(boot(gold)) == 'f-mid'


def test_different_host_and_same_host_hints(boot):
    first = boot()
    assert _host(first) == 'f-big'
    second = boot(hints={'different_host': [first['id']]})
    assert _host(second) != 'f-big'
    third = boot(hints={'same_host': [second['id']]})
    assert _host(third) == _host(second)


def test_compute_capabilities(fleet, boot):
    small = fleet.flavor('cap-small', extra_specs={
        'capabilities:vcpus': '<= 4'})
    assert _host(boot(small)) == 'f-small'


def test_aggregate_instance_extra_specs(fleet, boot):
    fleet.aggregate('ssd', ['f-small'], metadata={'ssd': 'true'})
    ssd = fleet.flavor('ssd', extra_specs={
        'aggregate_instance_extra_specs:ssd': 'true'})
    assert _host(boot(ssd)) == 'f-small'


def test_aggregate_multi_tenancy_isolation(fleet, boot):
    agg = fleet.aggregate('private', ['f-big'],
                          metadata={'filter_tenant_id': 'someone-else'})
    try:
        assert _host(boot()) == 'f-mid'
    finally:
        fleet.drop_aggregate(agg)


def test_aggregate_weight_multiplier(fleet, boot):
    agg = fleet.aggregate('stack', ['f-big'],
                          metadata={'ram_weight_multiplier': '-10'})
    try:
        assert _host(boot()) == 'f-mid'
    finally:
        fleet.drop_aggregate(agg)


def test_num_instances_filter(boot):
    CONF.set_override('max_instances_per_host', 1, group='filter_scheduler')
    try:
        hosts = {_host(boot()) for _i in range(3)}
        assert hosts == {'f-big', 'f-mid', 'f-small'}
        fault = _fault(boot())
    finally:
        CONF.clear_override('max_instances_per_host',
                            group='filter_scheduler')
    assert fault == ('No valid host was found. 3 hosts were rejected: 3 by '
                     'NumInstancesFilter (already has 1 instances).')


def test_failed_filter_is_named_in_fault_and_action_event(fleet, api, boot):
    nowhere = fleet.flavor('cap-none', extra_specs={
        'capabilities:hypervisor_type': 'qemu'})
    server = boot(nowhere)
    assert _fault(server) == (
        'No valid host was found. 3 hosts were rejected: 3 by '
        'ComputeCapabilitiesFilter (lacks capabilities hypervisor_type '
        'qemu).')
    actions = _ok(api.get(f"/servers/{server['id']}/os-instance-actions"))
    request_id = actions['instanceActions'][0]['request_id']
    action = _ok(api.get(f"/servers/{server['id']}/os-instance-actions/"
                         f"{request_id}"))
    [event] = action['instanceAction']['events']
    assert event['event'] == 'conductor_schedule_and_build_instances'
    assert event['result'] == 'Error'


def test_no_candidates_fault_says_what_is_missing(fleet, boot):
    # Only the all-in-one's own compute (zone nova) has 32 VCPU free.
    huge = fleet.flavor('huge', vcpus=32)
    assert _fault(boot(huge)) == (
        'No valid host was found. No host has 32 free VCPU, 512 MB of '
        'memory and 1 GB of disk in zone fleet (Placement returned no '
        'candidates; 1 host that is disabled or outside these limits has '
        'room).')


def test_disabled_compute_is_not_proposed_by_placement(fleet, api, boot):
    """A disabled compute reports COMPUTE_STATUS_DISABLED at its next
    resource update, and Placement stops proposing it."""
    ctxt = nova_context.get_admin_context()
    rt = fleet.service('f-small').manager.rt
    small = fleet.flavor('cap-small-2', extra_specs={
        'capabilities:vcpus': '<= 4'})
    body = {'host': 'f-small', 'binary': 'nova-compute'}
    _ok(api.request('PUT', '/os-services/disable', json=body))
    try:
        rt.update_available_resource(ctxt)
        assert 'COMPUTE_STATUS_DISABLED' in fleet.traits('f-small')
        # Only f-small has 4 VCPU; Placement no longer offers it.
        assert _fault(boot(small)) == (
            'No valid host was found. 2 hosts were rejected: 2 by '
            'ComputeCapabilitiesFilter (lacks capabilities vcpus <= 4).')
    finally:
        _ok(api.request('PUT', '/os-services/enable', json=body))
        rt.update_available_resource(ctxt)
    assert 'COMPUTE_STATUS_DISABLED' not in fleet.traits('f-small')
    assert _host(boot(small)) == 'f-small'


def test_a_host_failing_builds_is_weighed_down_until_one_succeeds(
        fleet, boot):
    big = next(svc for svc in fleet.services if svc.host == 'f-big')
    fake.FakeDriver.set_fault('spawn', RuntimeError('the disk is full'),
                              host='f-big', count=1)
    try:
        # f-big first (the biggest), fails, and an alternate takes it.
        first = boot()
        assert _host(first) != 'f-big'
        # f-big reported the failure: the next server avoids it although
        # nothing fails there any more.
        assert _host(boot()) != 'f-big'
    finally:
        fake.FakeDriver.clear_faults()
        big.manager.rt.build_succeeded('f-big')
    assert _host(boot()) == 'f-big'
