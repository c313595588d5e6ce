"""/os-hypervisors against real cell and API DBs."""

from tempest.lib.api_schema.response.compute.v2_1 import hypervisors as v21
from tempest.lib.api_schema.response.compute.v2_28 import hypervisors as v228
from tempest.lib.api_schema.response.compute.v2_33 import hypervisors as v233

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api.openstack.compute import hosts_fixture

URL = '/v2.1/os-hypervisors'


def test_list_and_detail(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.get(URL)
    assert resp.status_int == 200
    validation.validate(v21.list_search_hypervisors['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none['hypervisors'][0]['state'] == 'up'
    resp = admin_client.get(URL + '/detail')
    validation.validate(v21.list_hypervisors_detail['response_body'],
                        resp.json_body_or_none)
    hyp = resp.json_body_or_none['hypervisors'][0]
    assert (hyp['vcpus'], hyp['free_ram_mb'], hyp['cpu_info']) == (
        8, 15872, '{"arch": "x86_64"}')
    assert hyp['service']['host'] == 'host1'


def test_cpu_info_is_an_object_from_2_28(admin_client, dbs):
    _svc, node = hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.get(f'{URL}/{node.id}', version='2.28')
    validation.validate(v228.get_hypervisor['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none['hypervisor']['cpu_info'] == {
        'arch': 'x86_64'}


def test_paging_from_2_33(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    hosts_fixture.add_compute(dbs, 'host2')
    resp = admin_client.get(URL + '/detail?limit=1', version='2.33')
    body = resp.json_body_or_none
    validation.validate(v233.list_hypervisors_detail['response_body'], body)
    assert [h['hypervisor_hostname'] for h in body['hypervisors']] == [
        'host1']
    next_href = body['hypervisors_links'][0]['href']
    marker = next_href.split('marker=')[1]
    resp = admin_client.get(f'{URL}?limit=1&marker={marker}',
                            version='2.33')
    assert [h['hypervisor_hostname'] for h in
            resp.json_body_or_none['hypervisors']] == ['host2']


def test_show_unknown_is_404(admin_client, dbs):
    assert admin_client.get(URL + '/4242').status_int == 404
    assert admin_client.get(URL + '/nope').status_int == 404


def test_statistics_sum_enabled_nodes(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    hosts_fixture.add_compute(dbs, 'host2')
    hosts_fixture.add_compute(dbs, 'host3', disabled=True)
    resp = admin_client.get(URL + '/statistics')
    body = resp.json_body_or_none
    validation.validate(v21.get_hypervisor_statistics['response_body'],
                        body)
    stats = body['hypervisor_statistics']
    assert (stats['count'], stats['vcpus'], stats['memory_mb_used']) == (
        2, 16, 1024)


def test_search_and_servers(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'compute1.example.org')
    hosts_fixture.add_compute(dbs, 'other')
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        instance = objects.Instance(
            cctxt, uuid='0b3f9a52-8a43-45a3-a1b6-0cd5e0a2dc01',
            host='compute1.example.org', node='compute1.example.org',
            project_id='p', user_id='u', vm_state='active')
        instance.create()
    resp = admin_client.get(URL + '/compute1.example/search')
    validation.validate(v21.list_search_hypervisors['response_body'],
                        resp.json_body_or_none)
    assert [h['hypervisor_hostname'] for h in
            resp.json_body_or_none['hypervisors']] == ['compute1.example.org']
    resp = admin_client.get(URL + '/compute1/servers')
    validation.validate(v21.get_hypervisors_servers['response_body'],
                        resp.json_body_or_none)
    servers = resp.json_body_or_none['hypervisors'][0]['servers']
    assert servers == [{'uuid': instance.uuid, 'name': instance.name}]
    resp = admin_client.get(URL + '/other/servers')
    assert 'servers' not in resp.json_body_or_none['hypervisors'][0]


def test_search_without_match_is_404(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.get(URL + '/zzz/search')
    assert resp.status_int == 404
    assert 'zzz' in resp.json_body_or_none['itemNotFound']['message']


def test_uptime_is_501_for_an_up_host(admin_client, dbs):
    _svc, node = hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.get(f'{URL}/{node.id}/uptime')
    assert resp.status_int == 501


def test_hypervisors_are_admin_only(client, dbs):
    assert client.get(URL).status_int == 403
    assert client.get(URL + '/statistics').status_int == 403
