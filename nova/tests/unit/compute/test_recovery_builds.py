"""A build cut off by a restart of nova-compute is built again, once, from
its request spec: fake driver, SQLite DBs, real Placement."""

import pytest

from nova import objects
from nova.compute import power_state, recovery, task_states, vm_states
from nova.compute import utils as compute_utils
from nova.tests.unit.compute import test_stalled


@pytest.fixture
def building(ctxt, host1):
    inst = test_stalled._instance(
        ctxt, host1, vm_state=vm_states.BUILDING,
        task_state=task_states.SPAWNING, power_state=power_state.NOSTATE,
        image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6')
    return inst


def _spec(ctxt, inst):
    objects.RequestSpec.from_components(
        ctxt, inst.uuid, None, inst.flavor, 1, None, {}, 'p', 'u').create()


def _restart(ctxt, host1):
    redrives = recovery.recover_instances(host1, ctxt)
    recovery.start_redrives(host1, ctxt, redrives)
    host1.wait_for_builds(30)


def _reload(ctxt, inst):
    return objects.Instance.get_by_uuid(
        ctxt, inst.uuid, expected_attrs=['fault', 'system_metadata'])


def test_a_cut_off_build_is_built_again(ctxt, host1, building):
    _spec(ctxt, building)
    _restart(ctxt, host1)
    got = _reload(ctxt, building)
    assert (got.vm_state, got.task_state) == (vm_states.ACTIVE, None)
    assert got.system_metadata[compute_utils.BUILD_REDRIVEN] == '1'
    assert building.uuid in host1.driver.list_instance_uuids()


def test_a_build_cut_off_twice_goes_to_error(ctxt, host1, building):
    _spec(ctxt, building)
    building.system_metadata = {compute_utils.BUILD_REDRIVEN: '1'}
    building.save()
    _restart(ctxt, host1)
    got = _reload(ctxt, building)
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert 'restarted while the instance was building' in got.fault.message


def test_a_build_without_a_request_spec_goes_to_error(ctxt, host1, building):
    _restart(ctxt, host1)
    got = _reload(ctxt, building)
    assert got.vm_state == vm_states.ERROR
