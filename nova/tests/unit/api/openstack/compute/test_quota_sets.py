"""/os-quota-sets, /os-quota-class-sets and /limits against real DBs."""

import pytest
from tempest.lib.api_schema.response.compute.v2_1 import limits as limits21
from tempest.lib.api_schema.response.compute.v2_1 import quota_classes
from tempest.lib.api_schema.response.compute.v2_1 import quotas as v21
from tempest.lib.api_schema.response.compute.v2_36 import limits as limits236
from tempest.lib.api_schema.response.compute.v2_36 import quotas as v236
from tempest.lib.api_schema.response.compute.v2_39 import limits as limits239

from nova import context as nova_context
from nova import objects
from nova.api import validation
from nova.tests.unit.api.openstack.compute.test_servers import FLAVOR, _boot

QS = '/v2.1/os-quota-sets/fake-project'


@pytest.fixture
def flavor(dbs):
    """The flavor _boot() asks for: 1 VCPU, 2048 MiB."""
    flavor = objects.Flavor(nova_context.get_admin_context(),
                            ephemeral_gb=0, swap=0, rxtx_factor=1.0,
                            is_public=True, disabled=False, **FLAVOR)
    flavor.create()
    return flavor


def test_show_defaults_and_detail(client, dbs):
    resp = client.get(QS)
    assert resp.status_int == 200
    validation.validate(v21.get_quota_set['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none['quota_set']['id'] == 'fake-project'
    resp = client.get(QS, version='2.36')
    validation.validate(v236.get_quota_set['response_body'],
                        resp.json_body_or_none)
    assert 'floating_ips' not in resp.json_body_or_none['quota_set']
    resp = client.get(QS + '/defaults')
    validation.validate(v21.get_quota_set['response_body'],
                        resp.json_body_or_none)
    resp = client.get(QS + '/detail')
    validation.validate(v21.get_quota_set_details['response_body'],
                        resp.json_body_or_none)


def test_other_projects_quota_needs_admin(client, dbs):
    assert client.get('/v2.1/os-quota-sets/other').status_int == 403


def test_update_is_admin_only(client, dbs):
    resp = client.put(QS, {'quota_set': {'instances': 5}})
    assert resp.status_int == 403


def test_update_then_delete_reverts_to_defaults(admin_client, dbs):
    resp = admin_client.put(QS, {'quota_set': {'instances': 5,
                                               'cores': '7'}})
    assert resp.status_int == 200
    validation.validate(v21.update_quota_set['response_body'],
                        resp.json_body_or_none)
    assert resp.json_body_or_none['quota_set']['instances'] == 5
    shown = admin_client.get(QS).json_body_or_none['quota_set']
    assert (shown['instances'], shown['cores']) == (5, 7)
    assert admin_client.delete(QS).status_int == 202
    assert admin_client.get(QS).json_body_or_none['quota_set'][
        'instances'] == 10


def test_update_rejects_bad_values_and_unknown_keys(admin_client, dbs):
    for body in ({'instances': -2}, {'instances': 'many'},
                 {'bogus': 1}):
        resp = admin_client.put(QS, {'quota_set': body})
        assert resp.status_int == 400, body
    resp = admin_client.put(QS, {'quota_set': {'floating_ips': 1}},
                            version='2.36')
    assert resp.status_int == 400


def test_user_quota_cannot_exceed_project(admin_client, dbs):
    admin_client.put(QS, {'quota_set': {'instances': 4}})
    resp = admin_client.put(QS + '?user_id=u1',
                            {'quota_set': {'instances': 5}})
    assert resp.status_int == 400
    assert 'instances' in resp.json_body_or_none['badRequest']['message']
    resp = admin_client.put(QS + '?user_id=u1',
                            {'quota_set': {'instances': 2}})
    assert resp.status_int == 200
    assert admin_client.get(QS + '?user_id=u1').json_body_or_none[
        'quota_set']['instances'] == 2
    assert admin_client.get(QS).json_body_or_none['quota_set'][
        'instances'] == 4


def test_limit_below_usage_needs_force(admin_client, client, flavor):
    assert _boot(client).status_int == 202
    assert _boot(client).status_int == 202
    resp = admin_client.put(QS, {'quota_set': {'instances': 1}})
    assert resp.status_int == 400
    assert 'already used' in resp.json_body_or_none['badRequest']['message']
    resp = admin_client.put(QS, {'quota_set': {'instances': 1,
                                               'force': True}})
    assert resp.status_int == 200
    detail = client.get(QS + '/detail').json_body_or_none['quota_set']
    assert detail['instances'] == {'limit': 1, 'in_use': 2, 'reserved': 0}


def test_lowered_quota_refuses_boot_naming_resource(admin_client, client,
                                                    flavor):
    admin_client.put(QS, {'quota_set': {'cores': 1}})
    assert _boot(client).status_int == 202
    resp = _boot(client)
    assert resp.status_int == 403
    assert 'cores' in resp.json_body_or_none['forbidden']['message']


def test_quota_class_default_changes_defaults(admin_client, client, dbs):
    url = '/v2.1/os-quota-class-sets/default'
    resp = admin_client.get(url)
    validation.validate(quota_classes.get_quota_class_set['response_body'],
                        resp.json_body_or_none)
    resp = admin_client.put(url, {'quota_class_set': {'instances': 3}})
    assert resp.status_int == 200
    validation.validate(
        quota_classes.update_quota_class_set['response_body'],
        resp.json_body_or_none)
    assert client.get(QS + '/defaults').json_body_or_none['quota_set'][
        'instances'] == 3
    assert client.get(QS).json_body_or_none['quota_set']['instances'] == 3
    assert client.get(url).status_int == 403


def test_limits_reflect_usage(client, flavor):
    assert _boot(client).status_int == 202
    resp = client.get('/v2.1/limits')
    assert resp.status_int == 200
    validation.validate(limits21.get_limit['response_body'],
                        resp.json_body_or_none)
    absolute = resp.json_body_or_none['limits']['absolute']
    assert (absolute['totalInstancesUsed'], absolute['totalCoresUsed'],
            absolute['totalRAMUsed']) == (1, 1, 2048)
    assert resp.json_body_or_none['limits']['rate'] == []
    resp = client.get('/v2.1/limits', version='2.36')
    validation.validate(limits236.get_limit['response_body'],
                        resp.json_body_or_none)
    resp = client.get('/v2.1/limits', version='2.39')
    validation.validate(limits239.get_limit['response_body'],
                        resp.json_body_or_none)
    assert 'maxImageMeta' not in resp.json_body_or_none['limits'][
        'absolute']


def test_limits_of_other_project_need_admin(client, admin_client, dbs):
    assert client.get('/v2.1/limits?tenant_id=other').status_int == 403
    admin_client.put('/v2.1/os-quota-sets/other',
                     {'quota_set': {'instances': 3}})
    resp = admin_client.get('/v2.1/limits?tenant_id=other')
    assert resp.json_body_or_none['limits']['absolute'][
        'maxTotalInstances'] == 3


def test_overlong_project_id_is_400(admin_client, dbs):
    resp = admin_client.put('/v2.1/os-quota-sets/' + 'p' * 256,
                            {'quota_set': {'instances': 1}})
    assert resp.status_int == 400
