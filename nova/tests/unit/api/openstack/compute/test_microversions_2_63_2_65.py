"""Microversion 2.63 (trusted image certificates), and 2.63 - 2.65 being
served. 2.64 and 2.65 have their own tests (test_server_groups_v264.py,
test_live_migration_abort_v265.py)."""

import pytest
from oslo_policy import policy as oslo_policy
from tempest.lib.api_schema.response.compute.v2_63 import servers as v263

from nova import context as nova_context
from nova import objects, policy
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.tests.unit.api import conftest
from nova.tests.unit.api.openstack.compute import test_servers

flavor = test_servers.flavor

V = '2.63'
CERTS = ['0b5d2c72-12cc-4ba6-a8d7-3ff5cc1d8cb8',
         '674736e3-f25c-405c-8362-bbf991e0ce0a']


class RebuildRecorder(conftest.FakeComputeRPCAPI):
    def __init__(self):
        super().__init__()
        self.rebuilt = []

    def rebuild_instance(self, ctxt, instance, image_ref, admin_password,
                         preserve_ephemeral=False):
        self.rebuilt.append((instance.uuid, instance.trusted_certs))


@pytest.fixture
def compute_rpc(monkeypatch, peers):
    from nova.compute import api as compute_api
    rpc = RebuildRecorder()
    monkeypatch.setattr(compute_api.API, 'compute_rpcapi', rpc)
    return rpc


@pytest.fixture
def defaults(conf):
    """Signature verification and certificate validation on, with two
    default trusted certificates."""
    conf.set_override('verify_glance_signatures', True, group='glance')
    conf.set_override('enable_certificate_validation', True, group='glance')
    conf.set_override('default_trusted_certificate_ids',
                      ['default-1', 'default-2'], group='glance')
    yield conf
    for name in ('verify_glance_signatures', 'enable_certificate_validation',
                 'default_trusted_certificate_ids'):
        conf.clear_override(name, group='glance')


def _boot(client, version=V, **extra):
    if avr.APIVersionRequest(version) >= avr.APIVersionRequest('2.37'):
        extra.setdefault('networks', 'none')
    return test_servers._boot(client, version=version, **extra)


def _server(client, dbs, **extra):
    resp = _boot(client, **extra)
    assert resp.status_int == 202, resp.body
    uuid = resp.json_body_or_none['server']['id']
    test_servers._schedule(dbs, uuid)
    return uuid


def _show(client, uuid, version=V):
    return client.get(f'/v2.1/servers/{uuid}',
                      version=version).json_body_or_none['server']


def _stored(dbs, uuid):
    with nova_context.target_cell(nova_context.get_admin_context(),
                                  dbs.cell1) as cctxt:
        return objects.Instance.get_by_uuid(
            cctxt, uuid, expected_attrs=['trusted_certs']).trusted_certs


def _rebuild(client, uuid, version=V, **args):
    args.setdefault('imageRef', conftest.IMAGE_ID)
    return client.post(f'/v2.1/servers/{uuid}/action',
                       {'rebuild': args}, version=version)


def _finish_rebuild(dbs, uuid):
    with nova_context.target_cell(nova_context.get_admin_context(),
                                  dbs.cell1) as cctxt:
        instance = objects.Instance.get_by_uuid(cctxt, uuid)
        instance.task_state = None
        instance.save()


def _deny(rule):
    enforcer = policy.get_enforcer()
    enforcer.load_rules()
    enforcer.set_rules(oslo_policy.Rules.from_dict({rule: '!'}),
                       overwrite=False)


# Serving ---------------------------------------------------------------------

def test_maximum_is_at_least_2_65():
    assert avr.APIVersionRequest(avr.MAX_VERSION) >= \
        avr.APIVersionRequest('2.65')


@pytest.mark.parametrize('version', ['2.63', '2.64', '2.65'])
def test_versions_up_to_2_65_are_served(client, dbs, version):
    resp = client.get('/v2.1/flavors', version=version)
    assert resp.status_int == 200
    assert resp.headers['OpenStack-API-Version'] == f'compute {version}'


def test_latest_is_the_maximum(client, dbs):
    resp = client.get('/v2.1/flavors', version='latest')
    assert resp.headers['OpenStack-API-Version'] == \
        f'compute {avr.MAX_VERSION}'


# 2.63: create and show -------------------------------------------------------

def test_create_with_trusted_certs_shows_them(client, dbs, flavor):
    resp = _boot(client, trusted_image_certificates=CERTS)
    assert resp.status_int == 202
    uuid = resp.json_body_or_none['server']['id']
    # While it waits for a host (the build request's instance).
    building = client.get(f'/v2.1/servers/{uuid}', version=V)
    assert building.json_body_or_none['server'][
        'trusted_image_certificates'] == CERTS
    test_servers._schedule(dbs, uuid)
    assert _stored(dbs, uuid) == CERTS
    body = client.get(f'/v2.1/servers/{uuid}', version=V).json_body_or_none
    validation.validate(v263.get_server['response_body'], body)
    assert body['server']['trusted_image_certificates'] == CERTS
    listed = client.get('/v2.1/servers/detail',
                        version=V).json_body_or_none
    validation.validate(v263.list_servers_detail['response_body'], listed)
    assert listed['servers'][0]['trusted_image_certificates'] == CERTS


def test_server_without_trusted_certs_shows_null(client, dbs, flavor):
    uuid = _server(client, dbs)
    assert _show(client, uuid)['trusted_image_certificates'] is None
    assert _stored(dbs, uuid) is None
    assert 'trusted_image_certificates' not in _show(client, uuid, '2.62')


def test_null_at_create_is_no_certificates(client, dbs, flavor):
    uuid = _server(client, dbs, trusted_image_certificates=None)
    assert _show(client, uuid)['trusted_image_certificates'] is None


def test_trusted_certs_before_2_63_are_400(client, dbs, flavor):
    resp = _boot(client, version='2.62', trusted_image_certificates=CERTS)
    assert resp.status_int == 400
    assert 'trusted_image_certificates' in resp.text


@pytest.mark.parametrize('certs', [
    [], ['a', 'a'], [''], ['x' * 256], [f'c{i}' for i in range(51)],
    'one-cert', [1], {'id': 'a'}])
def test_bad_trusted_certs_are_400_naming_the_field(client, dbs, flavor,
                                                    certs):
    resp = _boot(client, trusted_image_certificates=certs)
    assert resp.status_int == 400, certs
    assert 'trusted_image_certificates' in resp.text
    assert len(objects.BuildRequestList.get_all(
        nova_context.get_admin_context())) == 0


def test_fifty_certs_of_255_characters_are_accepted(client, dbs, flavor):
    certs = [f'{i:02d}' + 'x' * 253 for i in range(50)]
    uuid = _server(client, dbs, trusted_image_certificates=certs)
    assert _show(client, uuid)['trusted_image_certificates'] == certs


@pytest.mark.parametrize('bdm', [
    {'source_type': 'volume', 'destination_type': 'volume',
     'uuid': '8c7ca368-b1a4-4f0e-9a5b-6a1f2d3c4b5e', 'boot_index': 0},
    {'source_type': 'image', 'destination_type': 'volume',
     'uuid': conftest.IMAGE_ID, 'boot_index': '0', 'volume_size': 1}])
def test_trusted_certs_when_booting_from_volume_are_400(client, dbs, flavor,
                                                        bdm):
    server = {'name': 'vm', 'flavorRef': '2', 'networks': 'none',
              'block_device_mapping_v2': [bdm],
              'trusted_image_certificates': CERTS}
    resp = client.post('/v2.1/servers', {'server': server}, version=V)
    assert resp.status_int == 400
    assert 'trusted_image_certificates' in resp.text
    assert 'booting from a volume' in resp.text


def test_create_with_trusted_certs_follows_its_policy(client, dbs, flavor):
    _deny('os_compute_api:servers:create:trusted_certs')
    resp = _boot(client, trusted_image_certificates=CERTS)
    assert resp.status_int == 403
    # Without certificates the rule is not asked.
    assert _boot(client).status_int == 202


# 2.63: the [glance] defaults -------------------------------------------------

def test_defaults_apply_to_servers_created_without_certs(client, dbs, flavor,
                                                         defaults):
    uuid = _server(client, dbs)
    assert _show(client, uuid)['trusted_image_certificates'] == [
        'default-1', 'default-2']
    # At any microversion: the deployment's setting, not the request's.
    old = _server(client, dbs, version='2.1')
    assert _stored(dbs, old) == ['default-1', 'default-2']
    # Given certificates win.
    mine = _server(client, dbs, trusted_image_certificates=['mine'])
    assert _stored(dbs, mine) == ['mine']


@pytest.mark.parametrize('off', ['verify_glance_signatures',
                                 'enable_certificate_validation'])
def test_defaults_need_verification_and_validation(client, dbs, flavor,
                                                   defaults, off):
    defaults.set_override(off, False, group='glance')
    uuid = _server(client, dbs)
    assert _show(client, uuid)['trusted_image_certificates'] is None


# 2.63: rebuild and update ----------------------------------------------------

def test_rebuild_with_trusted_certs(client, dbs, flavor, compute_rpc):
    uuid = _server(client, dbs)
    resp = _rebuild(client, uuid, trusted_image_certificates=CERTS)
    assert resp.status_int == 202
    body = resp.json_body_or_none
    validation.validate(v263.rebuild_server_with_admin_pass['response_body'],
                        body)
    assert body['server']['trusted_image_certificates'] == CERTS
    assert compute_rpc.rebuilt == [(uuid, CERTS)]
    assert _stored(dbs, uuid) == CERTS


def test_rebuild_without_trusted_certs_keeps_them(client, dbs, flavor,
                                                  compute_rpc):
    uuid = _server(client, dbs, trusted_image_certificates=CERTS)
    resp = _rebuild(client, uuid)
    assert resp.json_body_or_none['server'][
        'trusted_image_certificates'] == CERTS
    assert _stored(dbs, uuid) == CERTS


def test_rebuild_with_null_unsets_them(client, dbs, flavor, compute_rpc):
    uuid = _server(client, dbs, trusted_image_certificates=CERTS)
    resp = _rebuild(client, uuid, trusted_image_certificates=None)
    assert resp.status_int == 202
    assert resp.json_body_or_none['server'][
        'trusted_image_certificates'] is None
    assert _stored(dbs, uuid) is None


def test_rebuild_with_null_resets_the_defaults(client, dbs, flavor,
                                               compute_rpc, defaults):
    uuid = _server(client, dbs, trusted_image_certificates=CERTS)
    _rebuild(client, uuid, trusted_image_certificates=None)
    assert _stored(dbs, uuid) == ['default-1', 'default-2']


def test_rebuild_trusted_certs_errors(client, dbs, flavor, compute_rpc):
    uuid = _server(client, dbs)
    for certs, version in ((CERTS, '2.62'), ([], V), (['a', 'a'], V),
                           ([''], V), ('a', V)):
        resp = _rebuild(client, uuid, version=version,
                        trusted_image_certificates=certs)
        assert resp.status_int == 400, (certs, version)
        assert 'trusted_image_certificates' in resp.text
    assert compute_rpc.rebuilt == []


def test_rebuild_of_a_volume_backed_server_with_certs_is_400(
        client, dbs, flavor, compute_rpc):
    uuid = _server(client, dbs)
    with nova_context.target_cell(nova_context.get_admin_context(),
                                  dbs.cell1) as cctxt:
        instance = objects.Instance.get_by_uuid(cctxt, uuid)
        instance.image_ref = ''
        instance.save()
    resp = _rebuild(client, uuid, trusted_image_certificates=CERTS)
    assert resp.status_int == 400
    assert 'volume-backed' in resp.text
    assert compute_rpc.rebuilt == []


def test_rebuild_with_trusted_certs_follows_its_policy(client, dbs, flavor,
                                                       compute_rpc):
    uuid = _server(client, dbs)
    _deny('os_compute_api:servers:rebuild:trusted_certs')
    resp = _rebuild(client, uuid, trusted_image_certificates=CERTS)
    assert resp.status_int == 403
    assert _rebuild(client, uuid, trusted_image_certificates=None
                    ).status_int == 202


def test_rebuild_answer_before_2_63_has_no_trusted_certs(client, dbs, flavor,
                                                         compute_rpc):
    uuid = _server(client, dbs, trusted_image_certificates=CERTS)
    resp = _rebuild(client, uuid, version='2.62')
    assert 'trusted_image_certificates' not in resp.json_body_or_none[
        'server']


def test_update_answer_shows_trusted_certs(client, dbs, flavor):
    uuid = _server(client, dbs, trusted_image_certificates=CERTS)
    resp = client.put(f'/v2.1/servers/{uuid}', {'server': {'name': 'new'}},
                      version=V)
    body = resp.json_body_or_none
    validation.validate(v263.update_server['response_body'], body)
    assert body['server']['trusted_image_certificates'] == CERTS
