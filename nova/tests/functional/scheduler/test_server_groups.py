"""Server group policies through boots over HTTP on a fleet of 4 fake
hosts: hard policies hold or the fault names the group; soft policies
prefer, never fail. After each scenario Placement holds exactly the
live servers' usage."""

import pytest

import nova.conf
from nova.tests.functional.scheduler.group_fleet import GroupFleet, ok

CONF = nova.conf.CONF


@pytest.fixture(scope='module')
def fleet(all_in_one, api, placement):
    deployment = GroupFleet(api, placement, 'sg', 4, 'sg-')
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture
def boot(fleet, api, image_id):
    """boot(group, count=1) -> the servers once ACTIVE or ERROR."""
    created = []

    def _boot(group, count=1, name='sg'):
        resp = api.post('/servers', json=fleet.body(
            image_id, group=group, name=name, count=count))
        assert resp.status_code == 202, resp.text
        if count > 1:
            found = ok(api.get(f'/servers?name=^{name}-'))['servers']
            ids = [s['id'] for s in found]
        else:
            ids = [resp.json()['server']['id']]
        created.extend(ids)
        return [api.wait_for_server(i, ('ACTIVE', 'ERROR')) for i in ids]

    yield _boot
    fleet.usages_match(ok(api.get('/servers/detail'))['servers'])
    for server_id in created:
        api.delete(f'/servers/{server_id}')
    for server_id in created:
        api.wait_until_gone(server_id)


def _hosts(servers):
    for server in servers:
        assert server['status'] == 'ACTIVE', server.get('fault')
    return [s['OS-EXT-SRV-ATTR:host'] for s in servers]


def test_affinity_puts_all_members_on_one_host(fleet, boot):
    group = fleet.group('affinity')
    hosts = _hosts(boot(group) + boot(group, count=3, name='aff'))
    assert len(set(hosts)) == 1


def test_anti_affinity_multi_create_spreads_then_fails_naming_group(
        fleet, boot):
    group = fleet.group('anti-affinity', name='spread')
    hosts = _hosts(boot(group, count=4, name='anti'))
    assert sorted(hosts) == fleet.hosts
    [fifth] = boot(group)
    assert fifth['status'] == 'ERROR'
    assert 'ServerGroupAntiAffinityFilter' in fifth['fault']['message']
    assert f'server group spread ({group})' in fifth['fault']['message']


def test_soft_anti_affinity_spreads_but_never_fails(fleet, boot):
    group = fleet.group('soft-anti-affinity')
    hosts = _hosts(boot(group, count=4, name='soft-anti'))
    assert sorted(hosts) == fleet.hosts
    assert _hosts(boot(group))[0] in fleet.hosts


@pytest.fixture
def strong_soft_affinity():
    # Above the free-resource weighers (1.0 each), which spread.
    CONF.set_override('soft_affinity_weight_multiplier', 10.0,
                      group='filter_scheduler')
    yield
    CONF.clear_override('soft_affinity_weight_multiplier',
                        group='filter_scheduler')


def test_soft_affinity_packs_members_on_one_host(fleet, boot,
                                                 strong_soft_affinity):
    group = fleet.group('soft-affinity')
    first = _hosts(boot(group))[0]
    assert set(_hosts(boot(group, count=3, name='soft-aff'))) == {first}
