"""nova.quota: limits from overrides, classes and defaults; the boot
check against project and user limits."""

import pytest

from nova import context as nova_context
from nova import exception, objects, quota
from nova.tests.unit.db import fixtures as db_fixtures


@pytest.fixture
def ctxt(conf):
    with db_fixtures.Databases() as databases:
        databases.add_cell(url='sqlite://', name='cell1')
        yield nova_context.RequestContext(user_id='u1', project_id='p1',
                                          is_admin=True)


@pytest.fixture
def conf():
    from nova.conf import CONF
    CONF([], project='nova', default_config_files=[])
    yield CONF
    CONF.reset()


class _Flavor:
    vcpus = 2
    memory_mb = 1024


def test_limit_precedence(ctxt, conf):
    conf.set_override('instances', 7, group='quota')
    try:
        assert quota.project_limits(ctxt, 'p1')['instances'] == 7
        objects.Quotas.set_class_limits(ctxt, 'default', {'instances': 6})
        assert quota.project_limits(ctxt, 'p1')['instances'] == 6
        objects.Quotas.set_project_limits(ctxt, 'p1', {'instances': 5})
        assert quota.project_limits(ctxt, 'p1')['instances'] == 5
        objects.Quotas.set_user_limits(ctxt, 'p1', 'u1', {'instances': 4})
        assert quota.project_limits(ctxt, 'p1', 'u1')['instances'] == 4
        assert quota.project_limits(ctxt, 'p1', 'u2')['instances'] == 5
    finally:
        conf.clear_override('instances', group='quota')


def test_check_instances_trims_to_what_fits(ctxt):
    objects.Quotas.set_project_limits(ctxt, 'p1', {'cores': 5})
    assert quota.check_instances(ctxt, _Flavor, 1, 4) == 2


def test_check_instances_honours_user_limit(ctxt):
    objects.Quotas.set_user_limits(ctxt, 'p1', 'u1', {'ram': 512})
    with pytest.raises(exception.TooManyInstances) as err:
        quota.check_instances(ctxt, _Flavor, 1, 1)
    assert 'ram' in err.value.format_message()


def test_unlimited_skips_counting(ctxt):
    objects.Quotas.set_project_limits(
        ctxt, 'p1', {'instances': -1, 'cores': -1, 'ram': -1})
    assert quota.check_instances(ctxt, _Flavor, 1, 1000) == 1000


def test_update_limits_writes_nothing_when_one_is_wrong(ctxt):
    objects.Quotas.set_project_limits(ctxt, 'p1', {'cores': 4})
    with pytest.raises(quota.UserQuotaAboveProject):
        quota.update_limits(ctxt, 'p1', {'instances': 1, 'cores': 8},
                            user_id='u1')
    assert objects.Quotas.get_user_limits(ctxt, 'p1', 'u1') == {}


def test_instance_with_its_build_request_still_there_counts_once(ctxt):
    # The conductor creates the instance in its cell, then deletes the
    # build request: in between, usage must count the server once.
    flavor = objects.Flavor(name='m1.small', flavorid='2', memory_mb=1024,
                            vcpus=2, root_gb=1, ephemeral_gb=0, swap=0,
                            rxtx_factor=1.0, is_public=True, disabled=False,
                            extra_specs={})
    instance = objects.Instance(
        ctxt, uuid='9a2c4e1b-0c43-4b2e-9d59-9d3f1f0b7a11', project_id='p1',
        user_id='u1', vm_state='building', task_state='scheduling',
        vcpus=2, memory_mb=1024, flavor=flavor)
    objects.BuildRequest(ctxt, instance=instance).create()
    cell = next(c for c in objects.CellMappingList.get_all(ctxt)
                if c.name == 'cell1')
    with nova_context.target_cell(ctxt, cell) as cctxt:
        instance.obj_reset_changes()
        objects.Instance(cctxt, uuid=instance.uuid, project_id='p1',
                         user_id='u1', vm_state='building', vcpus=2,
                         memory_mb=1024, flavor=flavor).create()
    used = quota.usage(ctxt, 'p1')
    assert (used['instances'], used['cores'], used['ram']) == (1, 2, 1024)


def test_scoped_limits_are_the_project_and_user_limits(ctxt, conf):
    objects.Quotas.set_class_limits(ctxt, 'default', {'cores': 30})
    objects.Quotas.set_project_limits(ctxt, 'p1', {'instances': 5})
    objects.Quotas.set_user_limits(ctxt, 'p1', 'u1', {'ram': 2048})
    scoped = quota.scoped_limits(ctxt, 'p1', 'u1')
    assert scoped == {'project': quota.project_limits(ctxt, 'p1'),
                      'user': quota.project_limits(ctxt, 'p1', 'u1')}
    assert (scoped['user']['cores'], scoped['user']['instances'],
            scoped['user']['ram'], scoped['project']['ram']) == (
        30, 5, 2048, conf.quota.ram)
