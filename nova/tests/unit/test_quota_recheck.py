"""The quota recheck after a boot wrote its build requests: racing boots
that all passed the first check are caught."""

import pytest
from oslo_utils import uuidutils

from nova import exception, objects, quota
from nova.compute import server_group
from nova.tests.unit.test_quota import conf, ctxt  # noqa: F401 fixtures


def _flavor():
    return objects.Flavor(name='m1.small', flavorid='2', memory_mb=1024,
                          vcpus=2, root_gb=1, ephemeral_gb=0, swap=0,
                          rxtx_factor=1.0, is_public=True, disabled=False,
                          extra_specs={})


def _build_request(ctxt):  # noqa: F811
    uuid = uuidutils.generate_uuid()
    instance = objects.Instance(
        ctxt, uuid=uuid, project_id='p1', user_id='u1',
        vm_state='building', task_state='scheduling', vcpus=2,
        memory_mb=1024, flavor=_flavor())
    objects.BuildRequest(ctxt, instance=instance).create()
    objects.InstanceMapping(ctxt, instance_uuid=uuid, cell_mapping=None,
                            project_id='p1', user_id='u1',
                            queued_for_delete=False).create()
    return uuid


def test_recheck_passes_at_the_limit(ctxt):  # noqa: F811
    objects.Quotas.set_project_limits(ctxt, 'p1', {'instances': 2})
    _build_request(ctxt)
    _build_request(ctxt)
    quota.recheck_instances(ctxt, _flavor())


def test_recheck_refuses_when_racers_went_over(ctxt):  # noqa: F811
    objects.Quotas.set_project_limits(ctxt, 'p1', {'instances': 1})
    # Both passed check_instances before either wrote.
    assert quota.check_instances(ctxt, _flavor(), 1, 1) == 1
    _build_request(ctxt)
    _build_request(ctxt)
    with pytest.raises(exception.TooManyInstances) as err:
        quota.recheck_instances(ctxt, _flavor())
    assert 'instances' in err.value.format_message()


def test_recheck_counts_cores_of_the_user(ctxt):  # noqa: F811
    objects.Quotas.set_user_limits(ctxt, 'p1', 'u1', {'cores': 3})
    _build_request(ctxt)
    _build_request(ctxt)
    with pytest.raises(exception.TooManyInstances) as err:
        quota.recheck_instances(ctxt, _flavor())
    assert 'cores' in err.value.format_message()


def test_group_members_over_quota_are_taken_out_again(ctxt):  # noqa: F811
    objects.Quotas.set_project_limits(ctxt, 'p1',
                                      {'server_group_members': 1})
    group = objects.InstanceGroup(ctxt, uuid=uuidutils.generate_uuid(),
                                  name='g', project_id='p1', user_id='u1',
                                  policies=['anti-affinity'])
    group.create()
    first = objects.RequestSpec(ctxt, instance_uuid=_build_request(ctxt))
    objects.InstanceGroup.add_members(ctxt, group.uuid,
                                      [first.instance_uuid])
    racer = objects.RequestSpec(ctxt, instance_uuid=_build_request(ctxt))
    with pytest.raises(quota.ServerGroupMembersQuotaExceeded) as err:
        server_group.add_members(ctxt, {'group': group.uuid}, [racer])
    assert '1 of 1 are used, 1 more requested' in \
        err.value.format_message()
    members = objects.InstanceGroup.get_by_uuid(ctxt, group.uuid).members
    assert members == [first.instance_uuid]
