"""/os-server-external-events against real DBs."""

from tempest.lib.api_schema.response.compute.v2_1 import (
    server_external_events as schema,
)

from nova.api import validation
from nova.tests.unit.api.openstack.compute import test_servers

URL = '/v2.1/os-server-external-events'
MISSING = '9f3c4a4e-0000-4000-8000-000000000000'
flavor = test_servers.flavor


def _scheduled(client, dbs, host='host1'):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid, host=host)
    return uuid


def _event(uuid, name='network-vif-plugged', **extra):
    return dict(server_uuid=uuid, name=name, **extra)


def test_all_accepted_is_200(client, admin_client, dbs, flavor, peers):
    uuid = _scheduled(client, dbs)
    resp = admin_client.post(URL, {'events': [
        _event(uuid, tag='port-1'), _event(uuid, 'network-changed')]})
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(schema.create['response_body'], body)
    assert [(e['code'], e['status']) for e in body['events']] == [
        (200, 'completed'), (200, 'completed')]
    assert body['events'][0]['tag'] == 'port-1'
    assert 'tag' not in body['events'][1]


def test_partly_accepted_is_207(client, admin_client, dbs, flavor, peers):
    uuid = _scheduled(client, dbs)
    resp = admin_client.post(URL, {'events': [
        _event(uuid, status='failed'), _event(MISSING)]})
    assert resp.status_int == 207
    events = resp.json_body_or_none['events']
    assert [(e['code'], e['status']) for e in events] == [
        (200, 'failed'), (404, 'failed')]


def test_none_accepted_is_404(admin_client, dbs):
    resp = admin_client.post(URL, {'events': [_event(MISSING)]})
    assert resp.status_int == 404
    assert resp.json_body_or_none['events'][0]['code'] == 404


def test_server_not_on_a_host_is_422(client, admin_client, dbs, flavor,
                                     peers):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    resp = admin_client.post(URL, {'events': [_event(uuid)]})
    assert resp.status_int == 404
    assert resp.json_body_or_none['events'][0]['code'] == 422


def test_bad_events_are_400(admin_client, dbs):
    for body in ({'events': []},
                 {'events': [_event(MISSING, name='volume-extended')]},
                 {'events': [_event('not-a-uuid')]},
                 {'events': [_event(MISSING, status='done')]}):
        resp = admin_client.post(URL, body)
        assert resp.status_int == 400, body
        assert resp.json_body_or_none['badRequest']['message']


def test_non_admin_is_403(client, dbs):
    assert client.post(URL, {'events': [_event(MISSING)]}).status_int == 403
