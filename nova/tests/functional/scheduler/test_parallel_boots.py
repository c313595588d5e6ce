"""Racing boots, each its own POST from its own thread, on a fleet of 20
fake hosts: the quota and the server group policies hold. After each
scenario Placement holds exactly the live servers' usage."""

import pytest

from nova.tests.functional import fixtures
from nova.tests.functional.scheduler.group_fleet import GroupFleet, ok

PROJECT = 'racers'
TOKEN = f'racer:{PROJECT}'


@pytest.fixture(scope='module')
def fleet(all_in_one, api, placement):
    # Zone 'race': race-00..09, zone 'race-b': race-10..19.
    deployment = GroupFleet(api, placement, 'race', 20, 'race-', split=10)
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture
def racer(all_in_one):
    return fixtures.ComputeClient(all_in_one.endpoints.api_url, token=TOKEN)


def _cleanup(api, fleet, server_ids):
    fleet.usages_match(ok(api.get('/servers/detail?all_tenants=1'))[
        'servers'])
    for server_id in server_ids:
        api.delete(f'/servers/{server_id}')
    for server_id in server_ids:
        api.wait_until_gone(server_id)


@pytest.fixture
def quota_of_ten(api):
    ok(api.request('PUT', f'/os-quota-sets/{PROJECT}', json={
        'quota_set': {'instances': 10}}))
    yield
    api.delete(f'/os-quota-sets/{PROJECT}')


def test_fifty_racing_boots_get_exactly_the_quota_of_ten(
        fleet, api, racer, image_id, quota_of_ten):
    responses = fleet.parallel_posts(fleet.body(image_id, name='q'), 50,
                                     token=TOKEN)
    accepted = [r.json()['server']['id'] for r in responses
                if r.status_code == 202]
    refused = [r for r in responses if r.status_code != 202]
    try:
        assert len(accepted) == 10
        assert len(refused) == 40
        for resp in refused:
            assert resp.status_code == 403, resp.text
            assert 'Quota exceeded for instances' in resp.text
        servers = [racer.wait_for_server(i, ('ACTIVE', 'ERROR'), timeout=60)
                   for i in accepted]
        assert [s['status'] for s in servers] == ['ACTIVE'] * 10
        assert len(ok(racer.get('/servers'))['servers']) == 10
    finally:
        _cleanup(api, fleet, accepted)


@pytest.fixture
def twenty_members(api):
    before = ok(api.get('/os-quota-sets/admin'))['quota_set'][
        'server_group_members']
    ok(api.request('PUT', '/os-quota-sets/admin', json={
        'quota_set': {'server_group_members': 20}}))
    yield
    ok(api.request('PUT', '/os-quota-sets/admin', json={
        'quota_set': {'server_group_members': before}}))


def _race_into_group(fleet, api, image_id, policy, zone, count=20):
    group = fleet.group(policy, name=f'racing-{policy}')
    responses = fleet.parallel_posts(
        fleet.body(image_id, group=group, name='r', zone=zone), count)
    assert [r.status_code for r in responses] == [202] * count, \
        [r.text for r in responses if r.status_code != 202]
    ids = [r.json()['server']['id'] for r in responses]
    return group, ids, [api.wait_for_server(i, ('ACTIVE', 'ERROR'),
                                            timeout=60) for i in ids]


def test_twenty_racing_anti_affinity_boots_take_twenty_hosts(
        fleet, api, image_id, twenty_members):
    _group, ids, servers = _race_into_group(fleet, api, image_id,
                                            'anti-affinity', None)
    try:
        assert [s['status'] for s in servers] == ['ACTIVE'] * 20, \
            [s.get('fault') for s in servers]
        hosts = {s['OS-EXT-SRV-ATTR:host'] for s in servers}
        assert len(hosts) == 20
    finally:
        _cleanup(api, fleet, ids)


def test_twenty_racing_anti_affinity_boots_on_ten_hosts(
        fleet, api, image_id, twenty_members):
    group, ids, servers = _race_into_group(fleet, api, image_id,
                                           'anti-affinity', 'race')
    try:
        active = [s for s in servers if s['status'] == 'ACTIVE']
        failed = [s for s in servers if s['status'] == 'ERROR']
        assert len(active) == 10 and len(failed) == 10
        assert len({s['OS-EXT-SRV-ATTR:host'] for s in active}) == 10
        for server in failed:
            assert f'server group racing-anti-affinity ({group})' in \
                server['fault']['message'], server['fault']
    finally:
        _cleanup(api, fleet, ids)


def test_racing_affinity_boots_share_one_host(fleet, api, image_id,
                                             twenty_members):
    # Six: what one host of the fleet (8 VCPU, 8 GiB) surely holds.
    _group, ids, servers = _race_into_group(fleet, api, image_id,
                                            'affinity', 'race', count=6)
    try:
        assert [s['status'] for s in servers] == ['ACTIVE'] * 6, \
            [s.get('fault') for s in servers]
        assert len({s['OS-EXT-SRV-ATTR:host'] for s in servers}) == 1
    finally:
        _cleanup(api, fleet, ids)
