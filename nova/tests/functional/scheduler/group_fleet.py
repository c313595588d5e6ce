"""A fleet of N identical fake hosts in one zone, for server group and
quota scenarios (the all-in-one's own compute stays out of the zone)."""

import concurrent.futures

from nova import context as nova_context
from nova import service
from nova.scheduler import host_discovery
from nova.tests.functional import fixtures
from nova.virt import fake


def ok(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json() if resp.text else None


class GroupFleet:
    """``count`` hosts in ``zone``; with ``split``, the hosts from that
    index on are in zone ``<zone>-b`` instead."""

    def __init__(self, api, placement, zone, count, prefix, split=None):
        self.split = split
        self.api = api
        self.placement = placement
        self.zone = zone
        self.hosts = [f'{prefix}{i:02d}' for i in range(count)]
        self.services = []
        self.aggs = []

    def start(self):
        for host in self.hosts:
            fake.FakeDriver.set_host_resources(
                host, vcpus=8, memory_mb=8192, local_gb=100)
            svc = service.Service.create('nova-compute', host=host)
            svc.start()
            self.services.append(svc)
        host_discovery.discover_hosts(nova_context.get_admin_context())
        if self.split:
            self._zone(self.zone, self.hosts[:self.split])
            self._zone(f'{self.zone}-b', self.hosts[self.split:])
        else:
            self._zone(self.zone, self.hosts)

    def _zone(self, zone, hosts):
        agg = ok(self.api.post('/os-aggregates', json={'aggregate': {
            'name': zone, 'availability_zone': zone}}))['aggregate']
        self.aggs.append((agg, hosts))
        for host in hosts:
            ok(self.api.post(f"/os-aggregates/{agg['id']}/action",
                             json={'add_host': {'host': host}}))

    def stop(self):
        for agg, hosts in self.aggs:
            for host in hosts:
                self.api.post(f"/os-aggregates/{agg['id']}/action",
                              json={'remove_host': {'host': host}})
            self.api.delete(f"/os-aggregates/{agg['id']}")
        rows = ok(self.api.get('/os-services'))['services']
        for svc in self.services:
            svc.stop()
        for row in rows:
            if row['host'] in self.hosts:
                self.api.delete(f"/os-services/{row['id']}")
        for host in self.hosts:
            fake.FakeDriver.set_host_resources(host)

    def group(self, policy, name='grp'):
        return ok(self.api.post('/os-server-groups', json={'server_group': {
            'name': name, 'policies': [policy]}}))['server_group']['id']

    def body(self, image_id, group=None, name='g', count=1, zone=''):
        server = {'name': name, 'imageRef': image_id, 'flavorRef': '1',
                  'networks': 'none'}
        zone = self.zone if zone == '' else zone
        if zone:
            server['availability_zone'] = zone
        if count > 1:
            server['min_count'] = server['max_count'] = count
        body = {'server': server}
        if group:
            body['os:scheduler_hints'] = {'group': group}
        return body

    def parallel_posts(self, body, times, token=fixtures.TOKEN):
        """POST /servers ``times`` at once, each from its own client;
        the responses."""
        def post(_i):
            client = fixtures.ComputeClient(self.api.base_url, token=token)
            return client.post('/servers', json=body)
        with concurrent.futures.ThreadPoolExecutor(times) as pool:
            return list(pool.map(post, range(times)))

    def usages_match(self, servers):
        """Placement's usages of the fleet equal the ACTIVE servers'."""
        expected = {h: {'VCPU': 0, 'MEMORY_MB': 0, 'DISK_GB': 0}
                    for h in self.hosts}
        for server in servers:
            host = server.get('OS-EXT-SRV-ATTR:host')
            if host in expected and server['status'] == 'ACTIVE':
                flavor = server['flavor']
                expected[host]['VCPU'] += flavor['vcpus']
                expected[host]['MEMORY_MB'] += flavor['ram']
                expected[host]['DISK_GB'] += flavor['disk']
        for rp in self.placement.providers():
            if rp['name'] in expected:
                usages = self.placement.usages(rp['uuid'])
                got = {rc: usages.get(rc, 0) for rc in expected[rp['name']]}
                assert got == expected[rp['name']], rp['name']
