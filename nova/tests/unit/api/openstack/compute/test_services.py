"""/os-services against real cell and API DBs."""

from tempest.lib.api_schema.response.compute.v2_1 import services as v21
from tempest.lib.api_schema.response.compute.v2_11 import services as v211

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api.openstack.compute import hosts_fixture

URL = '/v2.1/os-services'


def _by_host(body):
    return {s['host']: s for s in body['services']}


def test_list_shows_computes_in_default_zone_and_others_internal(
        admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    hosts_fixture.add_service(dbs, 'ctl', binary='nova-conductor')
    resp = admin_client.get(URL)
    assert resp.status_int == 200
    validation.validate(v21.list_services['response_body'],
                        resp.json_body_or_none)
    services = _by_host(resp.json_body_or_none)
    assert services['host1']['zone'] == 'nova'
    assert services['host1']['state'] == 'up'
    assert services['host1']['status'] == 'enabled'
    assert services['ctl']['zone'] == 'internal'
    assert 'forced_down' not in services['host1']


def test_list_at_2_11_has_forced_down_and_filters(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    hosts_fixture.add_compute(dbs, 'host2')
    resp = admin_client.get(URL + '?host=host2&binary=nova-compute',
                            version='2.11')
    validation.validate(v211.list_services['response_body'],
                        resp.json_body_or_none)
    services = resp.json_body_or_none['services']
    assert [s['host'] for s in services] == ['host2']
    assert services[0]['forced_down'] is False


def test_list_is_admin_only(client, dbs):
    assert client.get(URL).status_int == 403


def test_disable_with_reason_then_enable(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    body = {'host': 'host1', 'binary': 'nova-compute',
            'disabled_reason': 'maintenance'}
    resp = admin_client.put(URL + '/disable-log-reason', body)
    assert resp.status_int == 200
    validation.validate(v21.disable_log_reason['response_body'],
                        resp.json_body_or_none)
    shown = _by_host(admin_client.get(URL).json_body_or_none)['host1']
    assert (shown['status'], shown['disabled_reason']) == (
        'disabled', 'maintenance')
    resp = admin_client.put(URL + '/enable',
                            {'host': 'host1', 'binary': 'nova-compute'})
    validation.validate(v21.enable_disable_service['response_body'],
                        resp.json_body_or_none)
    shown = _by_host(admin_client.get(URL).json_body_or_none)['host1']
    assert (shown['status'], shown['disabled_reason']) == ('enabled', None)


def test_force_down_marks_service_down(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.put(URL + '/force-down', {
        'host': 'host1', 'binary': 'nova-compute', 'forced_down': True},
        version='2.11')
    assert resp.status_int == 200
    validation.validate(v211.update_forced_down['response_body'],
                        resp.json_body_or_none)
    shown = _by_host(admin_client.get(URL, version='2.11')
                     .json_body_or_none)['host1']
    assert (shown['state'], shown['forced_down']) == ('down', True)


def test_force_down_does_not_exist_before_2_11(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.put(URL + '/force-down', {
        'host': 'host1', 'binary': 'nova-compute', 'forced_down': True})
    assert resp.status_int == 404


def test_update_unknown_host_is_404(admin_client, dbs):
    resp = admin_client.put(URL + '/disable',
                            {'host': 'nohost', 'binary': 'nova-compute'})
    assert resp.status_int == 404
    assert 'nohost' in resp.json_body_or_none['itemNotFound']['message']


def test_disable_log_reason_requires_reason(admin_client, dbs):
    hosts_fixture.add_compute(dbs, 'host1')
    resp = admin_client.put(URL + '/disable-log-reason',
                            {'host': 'host1', 'binary': 'nova-compute'})
    assert resp.status_int == 400
    assert 'disabled_reason' in resp.json_body_or_none['badRequest'][
        'message']


def test_delete_compute_removes_node_mapping_and_provider(
        admin_client, dbs, recording_placement):
    svc, node = hosts_fixture.add_compute(dbs, 'host1')
    ctxt = nova_context.get_admin_context()
    agg = objects.Aggregate(ctxt, name='agg1')
    agg.create()
    agg.add_host('host1')
    resp = admin_client.delete(f'{URL}/{svc.id}')
    assert resp.status_int == 204
    assert recording_placement.deleted == [node.uuid]
    assert admin_client.get(URL).json_body_or_none['services'] == []
    assert objects.Aggregate.get_by_id(ctxt, agg.id).hosts == []
    assert list(objects.HostMappingList.get_all(ctxt)) == []
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        assert list(objects.ComputeNodeList.get_all(cctxt)) == []


def test_delete_compute_with_instances_is_409(admin_client, dbs,
                                               recording_placement):
    svc, _node = hosts_fixture.add_compute(dbs, 'host1')
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        objects.Instance(cctxt, uuid='5a0f1c38-1d46-4f5a-9c5b-0e1e2b4cbd11',
                         host='host1', node='host1', project_id='p',
                         user_id='u', vm_state='active').create()
    resp = admin_client.delete(f'{URL}/{svc.id}')
    assert resp.status_int == 409
    assert 'instance' in resp.json_body_or_none['conflictingRequest'][
        'message']
    assert recording_placement.deleted == []


def test_delete_unknown_or_bad_id(admin_client, dbs):
    assert admin_client.delete(URL + '/4242').status_int == 404
    assert admin_client.delete(URL + '/abc').status_int == 400
