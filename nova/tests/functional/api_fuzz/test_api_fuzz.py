"""Bad input at scale: generated requests over every route and
microversion of the Compute API (see doc/source/contributor/fuzzing.rst).

For each request: no 5xx but the documented 501 and 503, every error is
a Compute API fault body, no traceback in any body; and the requests
that were refused changed no row of the API DB, the cell DBs or
Placement. ``NOVA_API_FUZZ_REQUESTS`` sets how many (default 10000).
"""

import json
import os
import random
import time

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from nova.tests.functional.api_fuzz import catalog, generate, runner, state

REQUESTS = int(os.environ.get('NOVA_API_FUZZ_REQUESTS', '10000'))


class Client:
    def __init__(self, url, token):
        self.url = url.rstrip('/') + '/v2.1'
        self.session = requests.Session()
        self.session.headers.update({'X-Auth-Token': token,
                                     'OpenStack-API-Version': 'compute 2.47'})

    def call(self, method, path, body=None, expect=(200, 201), version=None):
        headers = {'OpenStack-API-Version': f'compute {version}'} \
            if version else {}
        resp = self.session.request(method, self.url + path, json=body,
                                    headers=headers, timeout=60)
        assert resp.status_code in expect, (method, path, resp.text)
        return resp.json() if resp.content else None


def _wait_active(owner, server_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server = owner.call('GET', f'/servers/{server_id}')['server']
        if server['status'] == 'ACTIVE' and not server[
                'OS-EXT-STS:task_state']:
            return server
        time.sleep(0.1)
    raise AssertionError(f'server {server_id} is not ACTIVE: {server}')


def _resources(url):
    """Create what path ids may hit; (ids by collection, body hints,
    GETs that must still answer 200 at the end)."""
    admin = Client(url, generate.ADMIN_TOKEN)
    owner = Client(url, generate.OWNER_TOKEN)
    # The image proxy is gone at 2.36.
    image_id = admin.call('GET', '/images', version='2.1')['images'][0]['id']
    owner.call('POST', '/os-keypairs', {'keypair': {'name': 'fuzz-key'}})
    admin.call('POST', '/flavors', {'flavor': {
        'name': 'fuzz-flavor', 'id': 'fuzz-flavor', 'ram': 64, 'vcpus': 1,
        'disk': 1}})
    admin.call('POST', '/flavors/fuzz-flavor/os-extra_specs',
               {'extra_specs': {'fuzz:key': 'value'}})
    aggregate = admin.call('POST', '/os-aggregates', {'aggregate': {
        'name': 'fuzz-aggregate'}})['aggregate']
    group = owner.call('POST', '/os-server-groups', {'server_group': {
        'name': 'fuzz-group', 'policies': ['affinity']}})['server_group']
    server = owner.call('POST', '/servers', {'server': {
        'name': 'fuzz-server', 'imageRef': image_id, 'flavorRef': '1',
        'networks': 'none', 'key_name': 'fuzz-key',
        'metadata': {'fuzz': 'yes'}}}, expect=(202,))['server']
    _wait_active(owner, server['id'])
    owner.call('PUT', f'/servers/{server["id"]}/tags/fuzz-tag',
               expect=(201, 204))
    actions = owner.call('GET', f'/servers/{server["id"]}'
                                '/os-instance-actions')['instanceActions']
    services = admin.call('GET', '/os-services')['services']
    hypervisors = admin.call('GET', '/os-hypervisors')['hypervisors']
    hosts = sorted({s['host'] for s in services})
    real_ids = {
        'servers': [server['id']],
        'flavors': ['fuzz-flavor', '1'],
        'os-keypairs': ['fuzz-key'],
        'os-aggregates': [aggregate['id']],
        'os-server-groups': [group['id']],
        'os-services': [s['id'] for s in services],
        'os-hypervisors': [h['id'] for h in hypervisors] +
                          [h['hypervisor_hostname'] for h in hypervisors],
        'os-quota-sets': ['fuzz-project', 'other-project'],
        'os-quota-class-sets': ['default'],
        'os-extra_specs': ['fuzz:key'],
        'metadata': ['fuzz'],
        'tags': ['fuzz-tag'],
        'os-instance-actions': [a['request_id'] for a in actions],
        'migrations': ['1'],
        'images': [image_id],
        'os-simple-tenant-usage': ['fuzz-project'],
        'os-instance_usage_audit_log': ['2024-01-01 00:00:00'],
        'os-hosts': hosts,
        'extensions': ['os-keypairs'],
    }
    hints = {
        'imageRef': [image_id], 'rescue_image_ref': [image_id],
        'image': [image_id], 'flavorRef': ['1', 'fuzz-flavor'],
        'flavor': ['1'], 'key_name': ['fuzz-key'], 'host': hosts,
        'tenant': ['fuzz-project', 'other-project'],
        'binary': ['nova-compute'], 'server_uuid': [server['id']],
        'uuid': [server['id']], 'marker': [server['id']],
        'name': ['fuzz-server', 'fuzz-flavor'],
        'availability_zone': ['nova'],
    }
    kept = [(admin, f'/servers/{server["id"]}'),
            (admin, '/flavors/fuzz-flavor'),
            (owner, '/os-keypairs/fuzz-key'),
            (admin, f'/os-aggregates/{aggregate["id"]}'),
            (owner, f'/os-server-groups/{group["id"]}')]
    return real_ids, hints, kept


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    nova_all = state.NovaAll(str(tmp_path_factory.mktemp('fuzz') / 'state'))
    nova_all.start()
    try:
        yield nova_all
    finally:
        nova_all.stop()


@pytest.fixture
def private_random(monkeypatch):
    """Services of other tests may run in this process (the session's
    nova-all: periodic task jitter, scheduler picks) and draw from the
    global ``random`` while hypothesis generates, which it reports as a
    strategy using ``random``. For this test their draws come from a
    Random of their own; the global state hypothesis manages is left
    alone."""
    own = random.Random()
    for name in ('random', 'randint', 'randrange', 'choice', 'choices',
                 'uniform', 'sample', 'shuffle', 'getrandbits'):
        monkeypatch.setattr(random, name, getattr(own, name))


def test_generated_requests_get_no_500_and_refusals_change_nothing(
        deployment, tmp_path, private_random):
    real_ids, hints, kept = _resources(deployment.root_url)
    snapshot = state.Snapshot(deployment.state_path)
    sender = runner.Runner(deployment.root_url, snapshot)
    routes = catalog.all_routes()
    live = [r for r in routes if not r.removed]
    gone = [r for r in routes if r.removed]
    strategies = {r.name: generate.request(r, real_ids, hints)
                  for r in routes}
    # One in twenty requests goes to the removed APIs (410 each).
    pick_route = st.integers(0, 19).flatmap(
        lambda k: st.sampled_from(gone if k == 0 else live))

    submitted = [0]

    @settings(max_examples=REQUESTS, deadline=None, derandomize=True,
              database=None, phases=(Phase.generate,),
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def fuzz(data):
        route = data.draw(pick_route)
        request = data.draw(strategies[route.name])
        if submitted[0] < REQUESTS:
            submitted[0] += 1
            sender.submit(request)

    try:
        fuzz()
    finally:
        sender.finish()
        figures_path = tmp_path / 'api-fuzz.json'
        sender.write(figures_path)
        snapshot.close()
        print('\n' + sender.summary() + f' (figures: {figures_path})')

    missing = [r.name for r in live if r.name not in sender.by_route]
    gone_kept = [path for client, path in kept
                 if client.session.get(client.url + path,
                                       timeout=30).status_code != 200]
    logged = deployment.api_errors()
    assert sender.sent >= REQUESTS, sender.summary()
    if REQUESTS >= 40 * len(live):
        # A short run (a smaller NOVA_API_FUZZ_REQUESTS) may miss some.
        assert not missing, f'routes never fuzzed: {missing}'
    assert not sender.problems, (
        f'{len(sender.problems)} problems, first ones:\n' +
        '\n'.join(sender.problems[:15]) +
        ('\nAPI log:\n' + '\n'.join(logged[:3]) if logged else ''))
    assert not gone_kept, f'resources the fuzzer keeps are gone: {gone_kept}'
    assert json.loads(figures_path.read_text())['requests'] == sender.sent
