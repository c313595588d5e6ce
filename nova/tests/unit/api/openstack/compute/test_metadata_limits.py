"""user_data and metadata limits: 400 for what the schema refuses, 403
past the metadata_items quota, with messages naming the field."""

import base64

import pytest

from nova import context as nova_context
from nova import objects
from nova.tests.unit.api.openstack.compute.test_servers import (
    FLAVOR,
    _boot,
    _schedule,
)

TOO_MANY = {f'k{i}': 'v' for i in range(129)}  # metadata_items is 128


@pytest.fixture
def flavor(dbs):
    flavor = objects.Flavor(nova_context.get_admin_context(),
                            ephemeral_gb=0, swap=0, rxtx_factor=1.0,
                            is_public=True, disabled=False, **FLAVOR)
    flavor.create()
    return flavor


def _message(resp):
    (fault,) = resp.json_body_or_none.values()
    return fault['message']


def test_user_data_of_65535_base64_bytes_is_accepted(client, flavor):
    user_data = base64.b64encode(b'x' * 49149).decode()
    assert len(user_data) == 65532
    assert _boot(client, user_data=user_data).status_int == 202


def test_user_data_over_65535_bytes_is_400(client, flavor):
    user_data = base64.b64encode(b'x' * 49152).decode()
    resp = _boot(client, user_data=user_data)
    assert resp.status_int == 400
    assert 'user_data' in _message(resp)


def test_user_data_that_is_not_base64_is_400(client, flavor):
    resp = _boot(client, user_data='not base64!')
    assert resp.status_int == 400
    assert 'user_data' in _message(resp)


@pytest.mark.parametrize('metadata,field', [
    ({'k' * 256: 'v'}, 'metadata'), ({'k': 'v' * 256}, 'metadata'),
    ({'k': 1}, 'metadata')])
def test_metadata_key_or_value_out_of_bounds_is_400(client, flavor,
                                                    metadata, field):
    resp = _boot(client, metadata=metadata)
    assert resp.status_int == 400
    assert field in _message(resp)


def test_metadata_over_the_quota_at_boot_is_403(client, flavor):
    resp = _boot(client, metadata=TOO_MANY)
    assert resp.status_int == 403
    assert '129' in _message(resp) and '128' in _message(resp)


@pytest.fixture
def server(client, flavor, dbs):
    uuid = _boot(client).json_body_or_none['server']['id']
    _schedule(dbs, uuid)
    return uuid


def test_metadata_over_the_quota_on_a_server_is_403(client, server):
    resp = client.put(f'/v2.1/servers/{server}/metadata',
                      {'metadata': TOO_MANY})
    assert resp.status_int == 403
    assert 'metadata' in _message(resp)


@pytest.mark.parametrize('action', [
    {'createImage': {'name': 'snap', 'metadata': TOO_MANY}},
    {'createBackup': {'name': 'b', 'backup_type': 'daily', 'rotation': 1,
                      'metadata': TOO_MANY}}])
def test_image_metadata_over_the_quota_is_403_up_to_2_38(client, server,
                                                         action):
    resp = client.post(f'/v2.1/servers/{server}/action', action,
                       version='2.38')
    assert resp.status_int == 403
    assert 'metadata' in _message(resp)
