"""State table rows of the moves, rebuild, shelve, images, rescue and
soft delete."""

import pytest
from oslo_utils import uuidutils

from nova import exception, objects
from nova.compute import instance_states, power_state, task_states, vm_states

objects.register_all()


def _instance(vm_state, task_state=None):
    return objects.Instance(uuid=uuidutils.generate_uuid(), id=1,
                            vm_state=vm_state, task_state=task_state)


@pytest.mark.parametrize('action,vm_state,task_state,final,power', [
    ('resize', vm_states.ACTIVE, task_states.RESIZE_PREP, vm_states.RESIZED,
     None),
    ('migrate', vm_states.STOPPED, task_states.RESIZE_PREP,
     vm_states.RESIZED, None),
    ('confirmResize', vm_states.RESIZED, None, None, None),
    ('revertResize', vm_states.RESIZED, task_states.RESIZE_REVERTING, None,
     None),
    ('rebuild', vm_states.ERROR, task_states.REBUILDING, None, None),
    ('shelve', vm_states.PAUSED, task_states.SHELVING, vm_states.SHELVED,
     power_state.SHUTDOWN),
    ('shelveOffload', vm_states.SHELVED, task_states.SHELVING_OFFLOADING,
     vm_states.SHELVED_OFFLOADED, power_state.NOSTATE),
    ('unshelve', vm_states.SHELVED_OFFLOADED, task_states.UNSHELVING,
     vm_states.ACTIVE, power_state.RUNNING),
    ('createImage', vm_states.STOPPED, task_states.IMAGE_SNAPSHOT, None,
     None),
    ('createBackup', vm_states.ACTIVE, task_states.IMAGE_BACKUP, None, None),
    ('rescue', vm_states.STOPPED, task_states.RESCUING, vm_states.RESCUED,
     power_state.RUNNING),
    ('unrescue', vm_states.RESCUED, task_states.UNRESCUING,
     vm_states.ACTIVE, power_state.RUNNING),
    ('soft_delete', vm_states.ACTIVE, task_states.SOFT_DELETING,
     vm_states.SOFT_DELETED, power_state.SHUTDOWN),
    ('restore', vm_states.SOFT_DELETED, task_states.RESTORING,
     vm_states.ACTIVE, power_state.RUNNING),
])
def test_each_action_has_its_path(action, vm_state, task_state, final,
                                  power):
    row = instance_states.check(action, _instance(vm_state))
    assert (row.task_state, row.vm_state, row.power_state) == (
        task_state, final, power)


@pytest.mark.parametrize('action,vm_state', [
    ('resize', vm_states.PAUSED), ('migrate', vm_states.RESIZED),
    ('confirmResize', vm_states.ACTIVE), ('revertResize', vm_states.STOPPED),
    ('rebuild', vm_states.SHELVED), ('shelve', vm_states.SHELVED),
    ('shelveOffload', vm_states.ACTIVE), ('unshelve', vm_states.ACTIVE),
    ('createImage', vm_states.ERROR), ('rescue', vm_states.RESCUED),
    ('unrescue', vm_states.ACTIVE), ('restore', vm_states.ACTIVE),
    ('forceDelete', vm_states.ACTIVE),
])
def test_wrong_vm_state_is_409_naming_action_and_state(action, vm_state):
    inst = _instance(vm_state)
    with pytest.raises(exception.InstanceInvalidState) as err:
        instance_states.check(action, inst)
    assert err.value.code == 409
    name = instance_states.get(action).api_action
    assert err.value.format_message() == (
        f"Cannot '{name}' instance {inst.uuid} while it is in vm_state "
        f"{vm_state}")


def test_soft_delete_is_recorded_as_delete():
    assert instance_states.get('soft_delete').api_action == 'delete'


def test_a_move_in_progress_refuses_another():
    with pytest.raises(exception.InstanceInvalidState) as err:
        instance_states.check('resize', _instance(
            vm_states.ACTIVE, task_states.RESIZE_MIGRATING))
    assert 'task_state resize_migrating' in err.value.format_message()


@pytest.mark.parametrize('action', ['resize', 'migrate', 'revertResize',
                                    'rebuild'])
def test_a_failed_move_or_rebuild_is_error(action):
    assert instance_states.get(action).on_failure == 'error'


def test_a_failed_unshelve_keeps_the_shelved_state():
    assert instance_states.get('unshelve').on_failure == 'revert'
