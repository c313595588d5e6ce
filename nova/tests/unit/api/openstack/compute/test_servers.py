"""/servers through the real pipeline, API DB and cell DBs.

The conductor is the test double ``FakeComputeTaskAPI``;
``_schedule`` plays its part where a test needs a server in a cell.
"""

import pytest
from oslo_utils import timeutils
from tempest.lib.api_schema.response.compute.v2_1 import servers as v21
from tempest.lib.api_schema.response.compute.v2_3 import servers as v23
from tempest.lib.api_schema.response.compute.v2_9 import servers as v29
from tempest.lib.api_schema.response.compute.v2_16 import servers as v216
from tempest.lib.api_schema.response.compute.v2_19 import servers as v219
from tempest.lib.api_schema.response.compute.v2_26 import servers as v226
from tempest.lib.api_schema.response.compute.v2_47 import servers as v247

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api import conftest

FLAVOR = {'name': 'm1.small', 'flavorid': '2', 'memory_mb': 2048,
          'vcpus': 1, 'root_gb': 20}


@pytest.fixture
def flavor(dbs):
    flavor = objects.Flavor(nova_context.get_admin_context(),
                            ephemeral_gb=0, swap=0, rxtx_factor=1.0,
                            is_public=True, disabled=False, **FLAVOR)
    flavor.create()
    return flavor


def _boot(client, name='vm', version=None, **extra):
    server = {'name': name, 'flavorRef': '2',
              'imageRef': conftest.IMAGE_ID}
    server.update(extra)
    return client.post('/v2.1/servers', {'server': server}, version=version)


def _api_rows(ctxt):
    return (objects.BuildRequestList.get_all(ctxt),)


def _schedule(dbs, uuid, host='host1', vm_state='active', cell=None):
    """Do what the conductor does: the instance goes to a cell."""
    ctxt = nova_context.get_admin_context()
    cell = cell or dbs.cell1
    build_request = objects.BuildRequest.get_by_instance_uuid(ctxt, uuid)
    with nova_context.target_cell(ctxt, cell) as cctxt:
        instance = build_request.get_new_instance(cctxt)
        instance.host = host
        instance.node = host
        instance.vm_state = vm_state
        instance.task_state = None
        instance.power_state = 1
        instance.create()
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctxt, uuid)
    mapping.cell_mapping = cell
    mapping.save()
    build_request.destroy()
    return instance


# Create ---------------------------------------------------------------------

def test_create_returns_202_with_admin_pass(client, flavor, peers):
    resp = _boot(client)
    assert resp.status_int == 202
    body = resp.json_body_or_none
    validation.validate(v21.create_server_with_admin_pass['response_body'],
                        body)
    assert resp.headers['Location'].endswith(body['server']['id'])
    cast = peers['task_api'].casts[0]
    assert [br.instance_uuid for br in cast['build_requests']] == \
        [body['server']['id']]


def test_create_writes_build_request_spec_and_mapping(client, flavor):
    uuid = _boot(client).json_body_or_none['server']['id']
    ctxt = nova_context.get_admin_context()
    build_request = objects.BuildRequest.get_by_instance_uuid(ctxt, uuid)
    assert build_request.instance.vm_state == 'building'
    assert build_request.instance.task_state == 'scheduling'
    assert build_request.instance.power_state == 0
    assert objects.RequestSpec.get_by_instance_uuid(ctxt, uuid).flavor.\
        flavorid == '2'
    assert objects.InstanceMapping.get_by_instance_uuid(
        ctxt, uuid).cell_mapping is None


def _nothing_created():
    ctxt = nova_context.get_admin_context()
    return len(objects.BuildRequestList.get_all(ctxt)) == 0


def test_missing_flavor_ref_is_400(client, flavor):
    resp = client.post('/v2.1/servers', {'server': {
        'name': 'vm', 'imageRef': conftest.IMAGE_ID}})
    assert resp.status_int == 400
    assert "'flavorRef' is a required property" in \
        resp.json_body_or_none['badRequest']['message']
    assert _nothing_created()


def test_unknown_image_is_400(client, flavor):
    resp = _boot(client, imageRef='11111111-2222-3333-4444-555555555555')
    assert resp.status_int == 400
    assert 'Can not find requested image' in \
        resp.json_body_or_none['badRequest']['message']
    assert _nothing_created()


def test_inactive_image_is_400(client, flavor):
    resp = _boot(client, imageRef=conftest.QUEUED_IMAGE_ID)
    assert resp.status_int == 400
    assert 'not active' in resp.json_body_or_none['badRequest']['message']


def test_image_needing_more_ram_than_the_flavor_is_400(client, flavor):
    resp = _boot(client, imageRef=conftest.BIG_IMAGE_ID)
    assert resp.status_int == 400
    assert 'memory' in resp.json_body_or_none['badRequest']['message']
    assert _nothing_created()


def test_unknown_flavor_is_400(client, flavor):
    resp = _boot(client, flavorRef='99')
    assert resp.status_int == 400
    assert 'Flavor 99' in resp.json_body_or_none['badRequest']['message']


def test_disabled_flavor_is_400(client, flavor):
    flavor.disabled = True
    flavor.save()
    resp = _boot(client)
    assert resp.status_int == 400
    assert 'disabled' in resp.json_body_or_none['badRequest']['message']


def test_name_over_255_characters_is_400(client, flavor):
    resp = _boot(client, name='x' * 256)
    assert resp.status_int == 400
    message = resp.json_body_or_none['badRequest']['message']
    assert 'server.name' in message and 'too long' in message
    assert _nothing_created()


def test_unknown_key_name_is_400(client, flavor):
    resp = _boot(client, key_name='nokey')
    assert resp.status_int == 400
    assert 'key_name' in resp.json_body_or_none['badRequest']['message']
    assert _nothing_created()


def test_networks_required_from_2_37(client, flavor):
    resp = _boot(client, version='2.37')
    assert resp.status_int == 400
    assert "'networks' is a required property" in \
        resp.json_body_or_none['badRequest']['message']


def test_networks_none_at_2_37(client, flavor, peers):
    resp = _boot(client, version='2.37', networks='none')
    assert resp.status_int == 202
    assert peers['task_api'].casts[0]['requested_networks'] == \
        [{'network_id': 'none'}]


def test_networks_auto_is_rejected_before_2_37(client, flavor):
    resp = _boot(client, networks='auto')
    assert resp.status_int == 400


def test_description_needs_2_19(client, flavor):
    assert _boot(client, description='d').status_int == 400
    assert _boot(client, description='d', version='2.19').status_int == 202


def test_multi_create_names_and_reservation_id(client, flavor, peers):
    resp = _boot(client, min_count=2, max_count=3,
                 return_reservation_id=True)
    assert resp.status_int == 202
    reservation_id = resp.json_body_or_none['reservation_id']
    assert reservation_id.startswith('r-')
    build_requests = peers['task_api'].casts[0]['build_requests']
    assert sorted(br.instance.display_name for br in build_requests) == \
        ['vm-1', 'vm-2', 'vm-3']
    assert {br.instance.reservation_id for br in build_requests} == \
        {reservation_id}


def test_quota_exceeded_is_403_and_creates_nothing(client, flavor, conf):
    conf.set_override('instances', 1, group='quota')
    try:
        resp = _boot(client, min_count=2)
    finally:
        conf.clear_override('instances', group='quota')
    assert resp.status_int == 403
    assert 'Quota exceeded' in resp.json_body_or_none['forbidden']['message']
    assert _nothing_created()


def test_conductor_unreachable_leaves_nothing(client, flavor, peers):
    peers['task_api'].fail = RuntimeError('no bus')
    resp = _boot(client)
    assert resp.status_int == 503
    assert _nothing_created()


# Show / list -------------------------------------------------------------

def test_show_building_server_matches_schema(client, flavor):
    uuid = _boot(client).json_body_or_none['server']['id']
    resp = client.get(f'/v2.1/servers/{uuid}')
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(v21.get_server['response_body'], body)
    assert body['server']['status'] == 'BUILD'
    assert body['server']['flavor']['id'] == '2'
    assert 'OS-EXT-SRV-ATTR:host' not in body['server']


@pytest.mark.parametrize('version,schema', [
    ('2.3', v23.get_server), ('2.9', v29.get_server),
    ('2.16', v216.get_server), ('2.19', v219.get_server),
    ('2.26', v226.get_server), ('2.47', v247.get_server)])
def test_show_scheduled_server_per_microversion(admin_client, client,
                                                flavor, dbs, version,
                                                schema):
    uuid = _boot(client).json_body_or_none['server']['id']
    _schedule(dbs, uuid)
    resp = admin_client.get(f'/v2.1/servers/{uuid}', version=version)
    assert resp.status_int == 200
    validation.validate(schema['response_body'], resp.json_body_or_none)
    server = resp.json_body_or_none['server']
    assert server['status'] == 'ACTIVE'
    assert server['OS-EXT-SRV-ATTR:host'] == 'host1'


def test_embedded_flavor_from_2_47(client, flavor, dbs):
    uuid = _boot(client).json_body_or_none['server']['id']
    server = client.get(f'/v2.1/servers/{uuid}',
                        version='2.47').json_body_or_none['server']
    assert server['flavor']['original_name'] == 'm1.small'
    assert server['flavor']['ram'] == 2048


def test_other_projects_server_is_404(client, flavor, app):
    uuid = _boot(client).json_body_or_none['server']['id']
    other = conftest.Client(app, token='other:other-project')
    assert other.get(f'/v2.1/servers/{uuid}').status_int == 404


def test_list_merges_build_requests_and_cells(client, flavor, dbs):
    first = _boot(client, name='a').json_body_or_none['server']['id']
    _schedule(dbs, first)
    second = _boot(client, name='b').json_body_or_none['server']['id']
    resp = client.get('/v2.1/servers?sort_key=display_name&sort_dir=desc')
    validation.validate(v21.list_servers['response_body'],
                        resp.json_body_or_none)
    assert [s['id'] for s in resp.json_body_or_none['servers']] == \
        [second, first]
    resp = client.get('/v2.1/servers/detail')
    validation.validate(v21.list_servers_detail['response_body'],
                        resp.json_body_or_none)


def test_list_pages_across_cells(client, flavor, dbs):
    uuids = [_boot(client, name=f's{i}').json_body_or_none['server']['id']
             for i in range(4)]
    _schedule(dbs, uuids[0])
    _schedule(dbs, uuids[2], cell=dbs.cell0)
    seen = []
    url = '/v2.1/servers?limit=3'
    while url:
        body = client.get(url).json_body_or_none
        seen.extend(s['id'] for s in body['servers'])
        links = body.get('servers_links')
        url = links[0]['href'].split('8774', 1)[1] if links else None
    everything = [s['id'] for s in
                  client.get('/v2.1/servers').json_body_or_none['servers']]
    assert seen == everything
    assert sorted(seen) == sorted(uuids)


def test_list_filters_by_name_and_status(client, flavor, dbs):
    first = _boot(client, name='web').json_body_or_none['server']['id']
    _boot(client, name='db')
    _schedule(dbs, first)
    body = client.get('/v2.1/servers?name=we').json_body_or_none
    assert [s['id'] for s in body['servers']] == [first]
    body = client.get('/v2.1/servers?status=ACTIVE').json_body_or_none
    assert [s['id'] for s in body['servers']] == [first]
    body = client.get('/v2.1/servers?status=BUILD').json_body_or_none
    assert [s['name'] for s in body['servers']] == ['db']


def test_invalid_status_filter(client, flavor):
    assert client.get('/v2.1/servers?status=bogus').json_body_or_none == \
        {'servers': []}
    resp = client.get('/v2.1/servers?status=bogus', version='2.38')
    assert resp.status_int == 400


def test_all_tenants_needs_admin(client, admin_client, flavor):
    _boot(client)
    assert client.get('/v2.1/servers?all_tenants=1').status_int == 403
    body = admin_client.get('/v2.1/servers?all_tenants=1').json_body_or_none
    assert len(body['servers']) == 1
    assert admin_client.get('/v2.1/servers').json_body_or_none == \
        {'servers': []}


def test_changes_since_must_be_a_time(client, flavor):
    resp = client.get('/v2.1/servers?changes-since=yesterday')
    assert resp.status_int == 400


# Delete ------------------------------------------------------------------

def test_delete_build_request(client, flavor):
    uuid = _boot(client).json_body_or_none['server']['id']
    assert client.delete(f'/v2.1/servers/{uuid}').status_int == 204
    assert client.get(f'/v2.1/servers/{uuid}').status_int == 404
    ctxt = nova_context.get_admin_context()
    assert objects.InstanceMapping.get_by_instance_uuid(
        ctxt, uuid).queued_for_delete


def test_delete_cell0_instance_is_local(client, flavor, dbs, peers):
    uuid = _boot(client).json_body_or_none['server']['id']
    _schedule(dbs, uuid, host=None, vm_state='error', cell=dbs.cell0)
    assert client.delete(f'/v2.1/servers/{uuid}').status_int == 204
    assert client.get(f'/v2.1/servers/{uuid}').status_int == 404
    assert peers['report'].deleted == [uuid]
    assert peers['compute_rpc'].terminated == []


def test_delete_on_down_compute_is_local(client, flavor, dbs, peers):
    uuid = _boot(client).json_body_or_none['server']['id']
    _schedule(dbs, uuid, host='gone-host')
    assert client.delete(f'/v2.1/servers/{uuid}').status_int == 204
    assert client.get(f'/v2.1/servers/{uuid}').status_int == 404
    assert peers['report'].deleted == [uuid]


def test_delete_on_live_compute_casts_terminate(client, flavor, dbs, peers):
    uuid = _boot(client).json_body_or_none['server']['id']
    _schedule(dbs, uuid, host='host1')
    with nova_context.target_cell(nova_context.get_admin_context(),
                                  dbs.cell1) as cctxt:
        objects.Service(cctxt, host='host1', binary='nova-compute',
                        topic='compute', report_count=1, disabled=False,
                        forced_down=False, version=1,
                        last_seen_up=timeutils.utcnow()).create()
    assert client.delete(f'/v2.1/servers/{uuid}').status_int == 204
    assert peers['compute_rpc'].terminated == [uuid]
    server = client.get(f'/v2.1/servers/{uuid}').json_body_or_none
    assert server['server']['OS-EXT-STS:task_state'] == 'deleting'


def test_delete_unknown_server_is_404(client, flavor):
    resp = client.delete('/v2.1/servers/11111111-2222-3333-4444-555555555555')
    assert resp.status_int == 404


def test_update_name(client, flavor, dbs):
    uuid = _boot(client).json_body_or_none['server']['id']
    resp = client.put(f'/v2.1/servers/{uuid}',
                      {'server': {'name': 'renamed'}})
    assert resp.status_int == 200
    assert resp.json_body_or_none['server']['name'] == 'renamed'
    _schedule(dbs, uuid)
    resp = client.put(f'/v2.1/servers/{uuid}',
                      {'server': {'name': 'again'}})
    assert resp.json_body_or_none['server']['name'] == 'again'


@pytest.mark.parametrize('version,status', [
    ('2.31', 400), ('2.32', 202), ('2.36', 202), ('2.37', 400),
    ('2.41', 400), ('2.42', 202)])
def test_network_tags_follow_the_published_microversions(
        client, flavor, version, status):
    from nova.network import flat
    networks = [{'uuid': flat.network_id(), 'tag': 'eth0'}]
    resp = _boot(client, version=version, networks=networks)
    assert resp.status_int == status


def test_every_documented_sort_key_works(client, flavor, dbs):
    from nova.api.openstack.compute.schemas import servers as schema
    uuid = _boot(client).json_body_or_none['server']['id']
    _schedule(dbs, uuid)
    _boot(client)
    for key in schema._sort_keys:
        resp = client.get(f'/v2.1/servers?sort_key={key}&sort_dir=asc')
        assert resp.status_int == 200, (key, resp.text)
        assert len(resp.json_body_or_none['servers']) == 2


def test_unknown_sort_key_is_400(client, flavor):
    resp = client.get('/v2.1/servers?sort_key=bogus')
    assert resp.status_int == 400
    assert 'sort_key' in resp.json_body_or_none['badRequest']['message']


def test_image_as_root_block_device_is_accepted(client, flavor, peers):
    # What the openstack CLI sends for "server create --image".
    resp = client.post('/v2.1/servers', {'server': {
        'name': 'vm', 'flavorRef': '2', 'imageRef': '', 'networks': 'auto',
        'block_device_mapping_v2': [{
            'uuid': conftest.IMAGE_ID, 'boot_index': 0,
            'source_type': 'image', 'destination_type': 'local',
            'delete_on_termination': True}]}}, version='2.47')
    assert resp.status_int == 202
    build_request = peers['task_api'].casts[0]['build_requests'][0]
    assert build_request.instance.image_ref == conftest.IMAGE_ID


def test_volume_block_device_is_400(client, flavor):
    resp = _boot(client, block_device_mapping_v2=[{
        'uuid': '11111111-2222-3333-4444-555555555555', 'boot_index': 0,
        'source_type': 'volume', 'destination_type': 'volume'}])
    assert resp.status_int == 400
    assert 'not supported' in resp.json_body_or_none['badRequest']['message']
    assert _nothing_created()


def test_detail_checks_each_view_policy_once_per_project(admin_client,
                                                        flavor, monkeypatch):
    from nova import policy
    for i in range(4):
        _boot(admin_client, name=f's{i}')
    checked = []
    authorize = policy.authorize

    def counting(context, action, target, do_raise=True):
        checked.append(action)
        return authorize(context, action, target, do_raise=do_raise)

    monkeypatch.setattr(policy, 'authorize', counting)
    resp = admin_client.get('/v2.1/servers/detail', version='2.47')
    assert len(resp.json_body_or_none['servers']) == 4
    assert 'OS-EXT-SRV-ATTR:host' in resp.json_body_or_none['servers'][0]
    assert checked.count('os_compute_api:os-extended-server-attributes') == 1
    assert checked.count('os_compute_api:os-flavor-extra-specs:index') == 1
