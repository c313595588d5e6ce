"""Remote consoles and console auth tokens through the real pipeline and
DBs; the compute RPC call is answered by the compute's own console code
(nova.compute.consoles) over a fake driver on host1."""

import datetime
import types
import urllib.parse

import pytest
from oslo_utils import timeutils
from tempest.lib.api_schema.response.compute.v2_1 import servers as v21
from tempest.lib.api_schema.response.compute.v2_6 import servers as v26
from tempest.lib.api_schema.response.compute.v2_8 import servers as v28

import nova.conf
from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.compute import consoles
from nova.tests.unit.api.openstack.compute import test_servers
from nova.virt import driver as virt_driver
from nova.virt import fake

CONF = nova.conf.CONF
flavor = test_servers.flavor

_VNC = {'remote_console': {'protocol': 'vnc', 'type': 'novnc'}}
_TOKEN_SCHEMA = {
    'type': 'object',
    'properties': {'console': {
        'type': 'object',
        'properties': {'instance_uuid': {'type': 'string'},
                       'host': {'type': 'string'},
                       'port': {'type': 'integer'},
                       'internal_access_path': {'type': ['string',
                                                         'null']}},
        'required': ['instance_uuid', 'host', 'port',
                     'internal_access_path'],
        'additionalProperties': False}},
    'required': ['console'],
    'additionalProperties': False,
}


@pytest.fixture
def compute(peers):
    """host1's side of the console calls: a fake driver and the real
    nova.compute.consoles code."""
    driver = fake.FakeDriver()
    driver.init_host('host1')
    mgr = types.SimpleNamespace(driver=driver, host='host1')
    for protocol in consoles.PROTOCOLS:
        setattr(peers['compute_rpc'], f'get_{protocol}_console',
                lambda ctxt, instance, console_type, protocol=protocol:
                consoles.get_console(mgr, ctxt, instance, protocol,
                                     console_type))
    return mgr


@pytest.fixture(autouse=True)
def _real_time():
    yield
    timeutils.clear_time_override()


def _server(client, dbs, compute, vm_state='active'):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    inst = test_servers._schedule(dbs, uuid, vm_state=vm_state)
    compute.driver.spawn(nova_context.get_admin_context(), inst, None, [],
                         None, {})
    return uuid


def _create(client, uuid, body=_VNC, version='2.6'):
    return client.post(f'/v2.1/servers/{uuid}/remote-consoles', body,
                       version=version)


def _token(url):
    query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    if 'path' in query:   # noVNC: ?path=?token=...
        query = urllib.parse.parse_qs(query['path'][0].lstrip('?'))
    return query['token'][0]


def _show_token(client, token, version='2.31'):
    return client.get(f'/v2.1/os-console-auth-tokens/{token}',
                      version=version)


# POST /servers/{server_id}/remote-consoles ---------------------------------

def test_vnc_console_url_matches_schema_and_holds_a_token(
        client, admin_client, dbs, flavor, compute):
    uuid = _server(client, dbs, compute)
    resp = _create(client, uuid)
    assert resp.status_int == 200, resp.body
    body = resp.json_body_or_none
    validation.validate(v26.get_remote_consoles['response_body'], body)
    url = body['remote_console']['url']
    assert url.startswith(CONF.vnc.novncproxy_base_url + '?path=%3Ftoken%3D')
    shown = _show_token(admin_client, _token(url))
    assert shown.status_int == 200
    assert shown.json_body_or_none['console']['instance_uuid'] == uuid


def test_novncproxy_base_url_is_the_configured_one(client, dbs, flavor,
                                                   compute, conf):
    conf.set_override('novncproxy_base_url',
                      'https://console.example.org/vnc_lite.html',
                      group='vnc')
    uuid = _server(client, dbs, compute)
    url = _create(client, uuid).json_body_or_none['remote_console']['url']
    assert url.startswith('https://console.example.org/vnc_lite.html?')


def test_remote_consoles_need_2_6(client, dbs, flavor, compute):
    uuid = _server(client, dbs, compute)
    assert _create(client, uuid, version='2.5').status_int == 404


@pytest.mark.parametrize('body', [
    {'remote_console': {'protocol': 'vnc'}},
    {'remote_console': {'protocol': 'telnet', 'type': 'novnc'}},
    {'remote_console': {'protocol': 'vnc', 'type': 'novnc', 'x': 1}},
    {'remote_console': {'protocol': 'mks', 'type': 'webmks'}},
])
def test_malformed_body_is_400(client, dbs, flavor, compute, body):
    uuid = _server(client, dbs, compute)
    assert _create(client, uuid, body).status_int == 400


def test_type_of_another_protocol_is_400(client, dbs, flavor, compute):
    uuid = _server(client, dbs, compute)
    resp = _create(client, uuid, {'remote_console': {
        'protocol': 'vnc', 'type': 'serial'}})
    assert resp.status_int == 400
    assert 'novnc' in resp.json_body_or_none['badRequest']['message']


@pytest.mark.parametrize('protocol,console_type,version', [
    ('rdp', 'rdp-html5', '2.6'),
    ('mks', 'webmks', '2.8'),
    ('vnc', 'xvpvnc', '2.6'),
    # Off unless [spice]/[serial_console] enabled.
    ('spice', 'spice-html5', '2.6'),
    ('serial', 'serial', '2.6'),
])
def test_console_not_offered_is_400(client, dbs, flavor, compute, protocol,
                                    console_type, version):
    uuid = _server(client, dbs, compute)
    resp = _create(client, uuid, {'remote_console': {
        'protocol': protocol, 'type': console_type}}, version=version)
    assert resp.status_int == 400, resp.body
    assert console_type in resp.json_body_or_none['badRequest']['message']


def test_vnc_disabled_is_400(client, dbs, flavor, compute, conf):
    conf.set_override('enabled', False, group='vnc')
    uuid = _server(client, dbs, compute)
    assert _create(client, uuid).status_int == 400


def test_enabled_spice_console(client, dbs, flavor, compute, conf):
    conf.set_override('enabled', True, group='spice')
    uuid = _server(client, dbs, compute)
    resp = _create(client, uuid, {'remote_console': {
        'protocol': 'spice', 'type': 'spice-html5'}}, version='2.8')
    assert resp.status_int == 200, resp.body
    body = resp.json_body_or_none
    validation.validate(v28.get_remote_consoles['response_body'], body)
    assert body['remote_console']['url'].startswith(
        CONF.spice.html5proxy_base_url + '?token=')


def test_driver_without_the_console_is_400(client, dbs, flavor, compute):
    uuid = _server(client, dbs, compute)
    compute.driver = virt_driver.ComputeDriver()
    resp = _create(client, uuid)
    assert resp.status_int == 400
    assert 'host1' in resp.json_body_or_none['badRequest']['message']


def test_guest_without_vnc_graphics_is_400(client, dbs, flavor, compute):
    uuid = _server(client, dbs, compute)
    fake.FakeDriver.set_fault('get_vnc_console',
                              virt_driver.ConsoleTypeUnavailable(
                                  console_type='novnc',
                                  reason='no VNC graphics'))
    try:
        resp = _create(client, uuid)
    finally:
        fake.FakeDriver.clear_faults()
    assert resp.status_int == 400
    assert 'no VNC graphics' in resp.json_body_or_none['badRequest'][
        'message']


def test_guest_missing_on_its_host_is_409(client, dbs, flavor, compute):
    uuid = _server(client, dbs, compute)
    compute.driver.destroy(None, types.SimpleNamespace(uuid=uuid), None)
    assert _create(client, uuid).status_int == 409


@pytest.mark.parametrize('vm_state', ['stopped', 'suspended', 'error'])
def test_server_not_running_is_409(client, dbs, flavor, compute, vm_state):
    uuid = _server(client, dbs, compute, vm_state=vm_state)
    resp = _create(client, uuid)
    assert resp.status_int == 409
    assert vm_state in resp.json_body_or_none['conflictingRequest'][
        'message']


def test_building_server_is_409(client, dbs, flavor, compute):
    uuid = test_servers._boot(client).json_body_or_none['server']['id']
    assert _create(client, uuid).status_int == 409


def test_unknown_server_is_404(client, dbs, compute):
    resp = _create(client, '9f3c4a4e-0000-4000-8000-000000000000')
    assert resp.status_int == 404


def test_other_projects_server_is_404(client, dbs, flavor, compute):
    uuid = _server(client, dbs, compute)
    resp = client.post(f'/v2.1/servers/{uuid}/remote-consoles', _VNC,
                       version='2.6', token='other-user:other-project')
    assert resp.status_int == 404


# Legacy actions (2.1 - 2.5) --------------------------------------------------

def _act(client, uuid, body, version=None):
    return client.post(f'/v2.1/servers/{uuid}/action', body,
                       version=version)


def test_get_vnc_console_action_matches_schema(client, dbs, flavor,
                                               compute):
    uuid = _server(client, dbs, compute)
    resp = _act(client, uuid, {'os-getVNCConsole': {'type': 'novnc'}})
    assert resp.status_int == 200, resp.body
    body = resp.json_body_or_none
    validation.validate(v21.get_vnc_console['response_body'], body)
    assert body['console']['type'] == 'novnc'
    assert _token(body['console']['url'])


def test_get_console_actions_end_at_2_5(client, dbs, flavor, compute):
    uuid = _server(client, dbs, compute)
    body = {'os-getVNCConsole': {'type': 'novnc'}}
    assert _act(client, uuid, body, version='2.5').status_int == 200
    assert _act(client, uuid, body, version='2.6').status_int == 404


@pytest.mark.parametrize('body', [
    {'os-getRDPConsole': {'type': 'rdp-html5'}},
    {'os-getSPICEConsole': {'type': 'spice-html5'}},
    {'os-getSerialConsole': {'type': 'serial'}},
    {'os-getVNCConsole': {'type': 'spice-html5'}},
    {'os-getVNCConsole': {}},
])
def test_unavailable_or_malformed_console_action_is_400(client, dbs, flavor,
                                                        compute, body):
    uuid = _server(client, dbs, compute)
    assert _act(client, uuid, body).status_int == 400


def test_enabled_serial_console_action(client, dbs, flavor, compute, conf):
    conf.set_override('enabled', True, group='serial_console')
    uuid = _server(client, dbs, compute)
    resp = _act(client, uuid, {'os-getSerialConsole': {'type': 'serial'}})
    assert resp.status_int == 200, resp.body
    assert resp.json_body_or_none['console']['url'].startswith(
        'ws://127.0.0.1:6083/?token=')


# GET /os-console-auth-tokens/{console_token} ---------------------------------

def _token_of_new_console(client, dbs, compute):
    uuid = _server(client, dbs, compute)
    url = _create(client, uuid).json_body_or_none['remote_console']['url']
    return uuid, _token(url)


def test_admin_sees_where_the_console_is(client, admin_client, dbs, flavor,
                                         compute):
    uuid, token = _token_of_new_console(client, dbs, compute)
    resp = _show_token(admin_client, token)
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(_TOKEN_SCHEMA, body)
    assert body['console'] == {
        'instance_uuid': uuid, 'host': fake.FakeDriver.CONSOLE_HOST,
        'port': fake.FakeDriver.VNC_PORT, 'internal_access_path': None}
    # Showing does not use it up.
    assert _show_token(admin_client, token).status_int == 200


def test_non_admin_may_not_see_tokens(client, dbs, flavor, compute):
    _uuid, token = _token_of_new_console(client, dbs, compute)
    assert _show_token(client, token).status_int == 403


def test_before_2_31_only_rdp_tokens_could_be_shown(client, admin_client,
                                                    dbs, flavor, compute):
    _uuid, token = _token_of_new_console(client, dbs, compute)
    assert _show_token(admin_client, token, version='2.30').status_int == 400


def test_unknown_token_is_404(admin_client, dbs):
    assert _show_token(admin_client, 'not-a-token').status_int == 404


def test_expired_token_is_404(client, admin_client, dbs, flavor, compute):
    _uuid, token = _token_of_new_console(client, dbs, compute)
    timeutils.set_time_override(timeutils.utcnow() + datetime.timedelta(
        seconds=CONF.consoleauth.token_ttl + 1))
    assert _show_token(admin_client, token).status_int == 404


def test_consumed_token_is_404(client, admin_client, dbs, flavor, compute):
    _uuid, token = _token_of_new_console(client, dbs, compute)
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        objects.ConsoleAuthToken.validate(cctxt, token, consume=True)
    assert _show_token(admin_client, token).status_int == 404


def test_token_of_deleted_server_is_404(client, admin_client, dbs, flavor,
                                        compute):
    uuid, token = _token_of_new_console(client, dbs, compute)
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        objects.Instance.get_by_uuid(cctxt, uuid).destroy()
    assert _show_token(admin_client, token).status_int == 404
