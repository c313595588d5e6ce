"""The compute's late check of a server group's hard policy, against the
members' hosts in a real cell DB."""

import pytest
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import objects
from nova.compute import build
from nova.tests.unit.test_quota import conf, ctxt  # noqa: F401 fixtures


def _group(ctxt, policy, hosts):  # noqa: F811
    """A group whose members run on ``hosts`` (one each), and a new
    member not yet placed; (spec, new instance)."""
    cell = next(c for c in objects.CellMappingList.get_all(ctxt)
                if c.name == 'cell1')
    uuids = []
    with nova_context.target_cell(ctxt, cell) as cctxt:
        for host in list(hosts) + [None]:
            uuid = uuidutils.generate_uuid()
            objects.Instance(cctxt, uuid=uuid, project_id='p1',
                             user_id='u1', vm_state='building',
                             host=host).create()
            uuids.append(uuid)
    group = objects.InstanceGroup(ctxt, uuid=uuidutils.generate_uuid(),
                                  name='db', project_id='p1',
                                  user_id='u1', policies=[policy],
                                  members=uuids)
    group.create()
    spec = objects.RequestSpec(instance_group=group)
    return spec, objects.Instance(uuid=uuids[-1])


def test_anti_affinity_late_check_refuses_a_members_host(ctxt):  # noqa: F811
    spec, instance = _group(ctxt, 'anti-affinity', ['h1', 'h2'])
    with pytest.raises(build.GroupPolicyViolation) as err:
        build._check_group_policy(ctxt, spec, instance, 'h2')
    assert 'Server group db (' in err.value.format_message()
    build._check_group_policy(ctxt, spec, instance, 'h3')


def test_affinity_late_check_refuses_another_host(ctxt):  # noqa: F811
    spec, instance = _group(ctxt, 'affinity', ['h1'])
    with pytest.raises(build.GroupPolicyViolation) as err:
        build._check_group_policy(ctxt, spec, instance, 'h2')
    assert 'the other members run on h1' in err.value.format_message()
    build._check_group_policy(ctxt, spec, instance, 'h1')


def test_soft_policies_are_not_checked_late(ctxt):  # noqa: F811
    spec, instance = _group(ctxt, 'soft-anti-affinity', ['h1'])
    assert build._check_group_policy(ctxt, spec, instance, 'h1') is None
