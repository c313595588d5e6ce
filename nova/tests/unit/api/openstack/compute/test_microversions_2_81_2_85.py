"""Microversions 2.81 to 2.85.

2.81: asking for images to be cached on an aggregate's hosts. 2.82: the
``accelerator-request-bound`` external event. 2.83: more server list
filters for everyone. 2.84: ``details`` of instance action events. 2.85:
updating a volume attachment, which this cloud does not offer (the
resource stays 404)."""

import pytest
from tempest.lib.api_schema.response.compute.v2_84 import servers as v284

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api import conftest
from nova.tests.unit.api.openstack.compute import test_servers

flavor = test_servers.flavor
EVENTS = '/v2.1/os-server-external-events'
ARQ = '4f1c2b6e-0000-4000-8000-00000000a001'


def _server(client, dbs, vm_state='active'):
    uuid = test_servers._boot(client, networks='none',
                              version='2.75').json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid, vm_state=vm_state)
    return uuid


# 2.81 ------------------------------------------------------------------------

@pytest.fixture
def aggregate(dbs):
    agg = objects.Aggregate(nova_context.get_admin_context(), name='a1',
                            metadata={})
    agg.create()
    agg.add_host('host1')
    return agg


def _cache(client, agg_id, ids, version='2.81'):
    return client.post(f'/v2.1/os-aggregates/{agg_id}/images',
                       {'cache': [{'id': i} for i in ids]}, version=version)


def test_image_cache_request_is_accepted(admin_client, aggregate, peers):
    resp = _cache(admin_client, aggregate.id, [conftest.IMAGE_ID,
                                                conftest.BIG_IMAGE_ID])
    assert resp.status_int == 202, resp.body
    assert not resp.body


def test_image_cache_is_404_before_2_81(admin_client, aggregate, peers):
    resp = _cache(admin_client, aggregate.id, [conftest.IMAGE_ID],
                  version='2.80')
    assert resp.status_int == 404


def test_image_cache_is_for_admins(client, aggregate, peers):
    resp = _cache(client, aggregate.id, [conftest.IMAGE_ID])
    assert resp.status_int == 403
    assert 'compute:aggregates:images' in resp.text


@pytest.mark.parametrize('body', [
    {'cache': []}, {'cache': [{'id': 'not-a-uuid'}]},
    {'cache': [{'id': conftest.IMAGE_ID, 'name': 'x'}]}, {'images': []},
    {'cache': [{'id': conftest.IMAGE_ID}, {'id': conftest.IMAGE_ID}]},
    {'cache': [{'id': '9f3c4a4e-0000-4000-8000-00000000beef'}]},
    {'cache': [{'id': conftest.QUEUED_IMAGE_ID}]}])
def test_image_cache_errors(admin_client, aggregate, peers, body):
    resp = admin_client.post(f'/v2.1/os-aggregates/{aggregate.id}/images',
                             body, version='2.81')
    assert resp.status_int == 400, body
    assert 'cache' in resp.text


def test_image_cache_of_an_unknown_aggregate_is_404(admin_client, dbs, peers):
    assert _cache(admin_client, 4242, [conftest.IMAGE_ID]).status_int == 404
    assert _cache(admin_client, 'x', [conftest.IMAGE_ID]).status_int == 400


# 2.82 ------------------------------------------------------------------------

def _arq_event(uuid, **extra):
    return dict(server_uuid=uuid, name='accelerator-request-bound', **extra)


def test_accelerator_event_accepted_from_2_82(admin_client, client, dbs,
                                              flavor):
    uuid = _server(client, dbs)
    resp = admin_client.post(EVENTS, {'events': [
        _arq_event(uuid, tag=ARQ, status='failed')]}, version='2.82')
    assert resp.status_int == 200, resp.body
    (event,) = resp.json_body_or_none['events']
    assert (event['code'], event['status'], event['tag']) == (
        200, 'failed', ARQ)
    old = admin_client.post(EVENTS, {'events': [_arq_event(uuid, tag=ARQ)]},
                            version='2.81')
    assert old.status_int == 400
    assert 'accelerator-request-bound' in old.text


@pytest.mark.parametrize('extra', [{}, {'tag': 'not-a-uuid'}])
def test_accelerator_event_needs_the_request_uuid(admin_client, client, dbs,
                                                  flavor, extra):
    uuid = _server(client, dbs)
    resp = admin_client.post(EVENTS, {'events': [_arq_event(uuid, **extra)]},
                             version='2.82')
    assert resp.status_int == 404
    (event,) = resp.json_body_or_none['events']
    assert (event['code'], event['status']) == (400, 'failed')


# 2.83 ------------------------------------------------------------------------

def test_non_admins_filter_by_more_fields_from_2_83(client, dbs, flavor):
    active = _server(client, dbs)
    stopped = _server(client, dbs, vm_state='stopped')
    colleague = conftest.Client(client.app, token='colleague:fake-project')
    theirs = _server(colleague, dbs)

    def ids(query, version='2.83'):
        resp = client.get(f'/v2.1/servers/detail?{query}', version=version)
        assert resp.status_int == 200, resp.body
        return {s['id'] for s in resp.json_body_or_none['servers']}
    assert ids('vm_state=stopped') == {stopped}
    assert ids('user_id=fake-user') == {active, stopped}
    assert ids('user_id=colleague&vm_state=active') == {theirs}
    assert ids('power_state=1') == {active, stopped, theirs}
    assert ids('key_name=nokey') == set()
    # Ignored for non-admins before 2.83.
    assert ids('vm_state=stopped', version='2.82') == {active, stopped,
                                                       theirs}
    # Still admin only: the host.
    assert ids('host=elsewhere') == {active, stopped, theirs}


# 2.84 ------------------------------------------------------------------------

def _failed_action(dbs, uuid):
    ctxt = nova_context.RequestContext(
        user_id='fake-user', project_id='fake-project', request_id='req-84')
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        objects.InstanceAction.action_start(cctxt, uuid, 'reboot')
        for name in ('compute_reboot_instance', 'compute_other'):
            objects.InstanceActionEvent.event_start(cctxt, uuid, name)
        objects.InstanceActionEvent.event_finish_failure(
            cctxt, uuid, 'compute_reboot_instance', 'Disk is full',
            'Traceback...')
        objects.InstanceActionEvent.event_finish(cctxt, uuid,
                                                 'compute_other')


def test_action_events_carry_details_from_2_84(client, admin_client, dbs,
                                               flavor):
    uuid = _server(client, dbs)
    _failed_action(dbs, uuid)
    url = f'/v2.1/servers/{uuid}/os-instance-actions/req-84'
    for who in (client, admin_client):
        body = who.get(url, version='2.84').json_body_or_none
        validation.validate(v284.show_instance_action['response_body'],
                            body)
        details = {e['event']: e['details']
                   for e in body['instanceAction']['events']}
        assert details == {'compute_reboot_instance': 'Disk is full',
                           'compute_other': None}
    old = admin_client.get(url, version='2.83').json_body_or_none
    assert all('details' not in e for e in old['instanceAction']['events'])


# 2.85 ------------------------------------------------------------------------

def test_volume_attachment_update_stays_not_offered(client, dbs, flavor):
    uuid = _server(client, dbs)
    volume = '9f3c4a4e-0000-4000-8000-000000000001'
    resp = client.put(f'/v2.1/servers/{uuid}/os-volume_attachments/{volume}',
                      {'volumeAttachment': {'volumeId': volume,
                                            'delete_on_termination': True}},
                      version='2.85')
    assert resp.status_int == 404
