"""Remote consoles through the whole service: the API asks the server's
compute (fake driver) over the bus, which stores a token; the admin API
shows it; it expires and is single-use."""

import datetime
import urllib.parse

import pytest
from oslo_utils import timeutils

import nova.conf
from nova import context as nova_context
from nova.api.openstack.compute import console_auth_tokens
from nova.tests.functional import fixtures
from nova.virt import fake

CONF = nova.conf.CONF


@pytest.fixture
def server(api, image_id):
    created = api.create_server('console-server', image_id)
    active = api.wait_for_server(created['id'], ('ACTIVE', 'ERROR'))
    assert active['status'] == 'ACTIVE', active.get('fault')
    yield active
    api.delete(f"/servers/{created['id']}")
    api.wait_until_gone(created['id'])


@pytest.fixture
def member(all_in_one):
    """A non-admin member of the admin client's project."""
    return fixtures.ComputeClient(all_in_one.endpoints.api_url,
                                  token='demo:admin')


@pytest.fixture
def tiny_ttl():
    CONF.set_override('token_ttl', 5, group='consoleauth')
    yield 5
    CONF.clear_override('token_ttl', group='consoleauth')
    timeutils.clear_time_override()


def _console_token(api, server_id):
    resp = api.post(f'/servers/{server_id}/remote-consoles',
                    json={'remote_console': {'protocol': 'vnc',
                                             'type': 'novnc'}})
    assert resp.status_code == 200, resp.text
    console = resp.json()['remote_console']
    assert (console['protocol'], console['type']) == ('vnc', 'novnc')
    # noVNC takes the token in its websocket path: ?path=%3Ftoken%3D<t>.
    path = urllib.parse.parse_qs(
        urllib.parse.urlparse(console['url']).query)['path'][0]
    return urllib.parse.parse_qs(path.lstrip('?'))['token'][0]


def _show(client, token):
    return client.get(f'/os-console-auth-tokens/{token}')


def test_admin_sees_where_the_console_of_a_new_token_is(api, member,
                                                        server):
    token = _console_token(api, server['id'])
    resp = _show(api, token)
    assert resp.status_code == 200, resp.text
    assert resp.json()['console'] == {
        'instance_uuid': server['id'],
        'host': fake.FakeDriver.CONSOLE_HOST,
        'port': fake.FakeDriver.VNC_PORT,
        'internal_access_path': None}
    assert _show(member, token).status_code == 403


def test_member_may_open_a_console_of_its_server(member, server):
    assert _console_token(member, server['id'])


def test_token_expires_after_its_ttl(api, server, tiny_ttl):
    token = _console_token(api, server['id'])
    assert _show(api, token).status_code == 200
    timeutils.set_time_override(timeutils.utcnow() + datetime.timedelta(
        seconds=tiny_ttl + 1))
    try:
        assert _show(api, token).status_code == 404
    finally:
        timeutils.clear_time_override()


def test_token_consumed_by_a_proxy_is_gone(api, server):
    token = _console_token(api, server['id'])
    ctxt = nova_context.get_admin_context()
    record = console_auth_tokens.find_token(ctxt, token, consume=True)
    assert record.instance_uuid == server['id']
    assert console_auth_tokens.find_token(ctxt, token, consume=True) is None
    assert _show(api, token).status_code == 404


def test_tokens_die_with_their_server(api, image_id):
    created = api.create_server('console-deleted', image_id)
    api.wait_for_server(created['id'], ('ACTIVE',))
    token = _console_token(api, created['id'])
    api.delete(f"/servers/{created['id']}")
    api.wait_until_gone(created['id'])
    assert _show(api, token).status_code == 404


def test_legacy_vnc_action_before_2_6(api, server):
    resp = api.post(f"/servers/{server['id']}/action",
                    json={'os-getVNCConsole': {'type': 'novnc'}},
                    microversion='2.5')
    assert resp.status_code == 200, resp.text
    assert resp.json()['console']['url'].startswith(
        CONF.vnc.novncproxy_base_url)
