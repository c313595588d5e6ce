"""The instance state table: which action may start from which state."""

import pytest
from oslo_utils import uuidutils

from nova import exception, objects
from nova.compute import instance_states, power_state, task_states, vm_states

objects.register_all()


def _instance(vm_state, task_state=None, created=True):
    inst = objects.Instance(uuid=uuidutils.generate_uuid(),
                            vm_state=vm_state, task_state=task_state)
    if created:
        inst.id = 1
    return inst


@pytest.mark.parametrize('action,vm_state,task_state,final,power', [
    ('reboot', vm_states.ACTIVE, task_states.REBOOTING, vm_states.ACTIVE,
     power_state.RUNNING),
    ('stop', vm_states.ACTIVE, task_states.POWERING_OFF, vm_states.STOPPED,
     power_state.SHUTDOWN),
    ('start', vm_states.STOPPED, task_states.POWERING_ON, vm_states.ACTIVE,
     power_state.RUNNING),
    ('pause', vm_states.ACTIVE, task_states.PAUSING, vm_states.PAUSED,
     power_state.PAUSED),
    ('unpause', vm_states.PAUSED, task_states.UNPAUSING, vm_states.ACTIVE,
     power_state.RUNNING),
    ('suspend', vm_states.ACTIVE, task_states.SUSPENDING,
     vm_states.SUSPENDED, power_state.SUSPENDED),
    ('resume', vm_states.SUSPENDED, task_states.RESUMING, vm_states.ACTIVE,
     power_state.RUNNING),
])
def test_each_power_action_has_its_path(action, vm_state, task_state, final,
                                        power):
    row = instance_states.check(action, _instance(vm_state))
    assert (row.task_state, row.vm_state, row.power_state) == (
        task_state, final, power)


@pytest.mark.parametrize('action,vm_state', [
    ('pause', vm_states.STOPPED), ('start', vm_states.ACTIVE),
    ('unpause', vm_states.ACTIVE), ('resume', vm_states.PAUSED),
    ('reboot', vm_states.STOPPED), ('changePassword', vm_states.PAUSED),
    ('trigger_crash_dump', vm_states.STOPPED),
    ('update_metadata', vm_states.ERROR),
])
def test_wrong_vm_state_is_refused_naming_action_and_state(action,
                                                           vm_state):
    inst = _instance(vm_state)
    with pytest.raises(exception.InstanceInvalidState) as err:
        instance_states.check(action, inst)
    assert err.value.code == 409
    assert err.value.format_message() == (
        f"Cannot '{action}' instance {inst.uuid} while it is in vm_state "
        f"{vm_state}")


def test_an_action_in_progress_blocks_another():
    inst = _instance(vm_states.ACTIVE, task_states.PAUSING)
    with pytest.raises(exception.InstanceInvalidState) as err:
        instance_states.check('suspend', inst)
    assert 'task_state pausing' in err.value.format_message()


def test_hard_reboot_recovers_error_and_overrides_a_soft_reboot():
    assert instance_states.allowed('reboot_hard', vm_states.ERROR)
    assert instance_states.allowed('reboot_hard', vm_states.ACTIVE,
                                   task_states.REBOOTING)
    assert not instance_states.allowed('reboot', vm_states.ACTIVE,
                                       task_states.REBOOTING)


def test_hard_reboot_refusal_is_named_reboot():
    inst = _instance(vm_states.BUILDING)
    with pytest.raises(exception.InstanceInvalidState) as err:
        instance_states.check('reboot_hard', inst)
    assert "Cannot 'reboot'" in err.value.format_message()


def test_a_server_not_yet_in_a_cell_is_building():
    inst = _instance(vm_states.ACTIVE, created=False)
    with pytest.raises(exception.InstanceInvalidState) as err:
        instance_states.check('pause', inst)
    assert 'vm_state building' in err.value.format_message()


def test_every_state_changing_row_names_its_event():
    for row in instance_states.TRANSITIONS.values():
        if row.task_state is not None:
            assert row.event and row.event.startswith('compute_'), row
