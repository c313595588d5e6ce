"""/servers/{id}/os-instance-actions over a real cell DB."""

from tempest.lib.api_schema.response.compute.v2_1 import servers as v21

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api.openstack.compute import test_servers as helpers

flavor = helpers.flavor   # the fixture


def _server_with_action(client, dbs):
    uuid = helpers._boot(client).json_body_or_none['server']['id']
    helpers._schedule(dbs, uuid)
    ctxt = nova_context.RequestContext(
        user_id='fake-user', project_id='fake-project', request_id='req-1')
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        objects.InstanceAction.action_start(cctxt, uuid, 'create')
        objects.InstanceActionEvent.event_start(
            cctxt, uuid, 'compute_build_and_run_instance')
    return uuid


def test_list_actions(client, flavor, dbs):
    uuid = _server_with_action(client, dbs)
    resp = client.get(f'/v2.1/servers/{uuid}/os-instance-actions')
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(v21.list_instance_actions['response_body'], body)
    assert [a['action'] for a in body['instanceActions']] == ['create']


def test_show_action_events_for_admin_only(client, admin_client, flavor,
                                           dbs):
    uuid = _server_with_action(client, dbs)
    url = f'/v2.1/servers/{uuid}/os-instance-actions/req-1'
    body = client.get(url).json_body_or_none
    validation.validate(v21.show_instance_action['response_body'], body)
    assert 'events' not in body['instanceAction']
    body = admin_client.get(url).json_body_or_none
    assert body['instanceAction']['events'][0]['event'] == \
        'compute_build_and_run_instance'


def test_unknown_request_id_is_404(client, flavor, dbs):
    uuid = _server_with_action(client, dbs)
    resp = client.get(f'/v2.1/servers/{uuid}/os-instance-actions/req-x')
    assert resp.status_int == 404


def test_delete_is_recorded_and_visible_after_delete_from_2_21(
        client, flavor, dbs):
    uuid = _server_with_action(client, dbs)
    assert client.delete(f'/v2.1/servers/{uuid}').status_int == 204
    url = f'/v2.1/servers/{uuid}/os-instance-actions'
    assert client.get(url).status_int == 404
    body = client.get(url, version='2.21').json_body_or_none
    assert sorted(a['action'] for a in body['instanceActions']) == \
        ['create', 'delete']
