"""The instance state machine of the actions that keep a server on its host.

One row per action: the vm_states (and task_states) it may start from,
the task_state it holds while in progress, and the vm_state / power_state
it ends in. The compute API checks a request against its row (409 with a
message naming the action and the state otherwise) and saves the
in-progress task_state with a compare-and-swap on the allowed states; the
compute manager reads the same row to finish the action.

``vm_state=None`` in a row keeps the vm_state the instance had;
``power_state=None`` takes what the driver reports.
"""

import dataclasses

from nova import exception
from nova.compute import power_state, task_states, vm_states


@dataclasses.dataclass(frozen=True)
class Transition:
    action: str                 # the instance action recorded (API name)
    from_vm_states: tuple       # vm_states the action is allowed from
    task_state: str | None      # held while the compute works
    vm_state: str | None        # on success (None: unchanged)
    power_state: int | None     # expected on success (None: the driver's)
    event: str | None = None    # the compute's instance action event
    from_task_states: tuple = (None,)
    # On a driver failure: 'revert' keeps the former vm_state (with the
    # driver's power state); 'error' sets ERROR (guest state unknown).
    on_failure: str = 'revert'
    notification: str | None = None   # instance.<notification>.start/end
    name: str | None = None     # the API's name when two rows share one

    @property
    def api_action(self):
        """The action's name as the API and instance actions use it."""
        return self.name or self.action


# Guests that exist on a host and may be looked at or changed there.
_ON_HOST = (vm_states.ACTIVE, vm_states.PAUSED, vm_states.SUSPENDED,
            vm_states.STOPPED)

TRANSITIONS = {t.action: t for t in (
    Transition('reboot', (vm_states.ACTIVE,), task_states.REBOOTING,
               vm_states.ACTIVE, power_state.RUNNING,
               event='compute_reboot_instance', on_failure='error',
               notification='reboot'),
    # A hard reboot also recovers guests that are stopped, paused,
    # suspended or in error, and overrides a soft reboot in progress.
    Transition('reboot_hard', (vm_states.ACTIVE, vm_states.STOPPED,
                               vm_states.PAUSED, vm_states.SUSPENDED,
                               vm_states.ERROR),
               task_states.REBOOTING_HARD, vm_states.ACTIVE,
               power_state.RUNNING, event='compute_reboot_instance',
               from_task_states=(None, task_states.REBOOTING,
                                 task_states.REBOOT_PENDING,
                                 task_states.REBOOT_STARTED),
               on_failure='error', notification='reboot', name='reboot'),
    Transition('stop', (vm_states.ACTIVE, vm_states.ERROR),
               task_states.POWERING_OFF, vm_states.STOPPED,
               power_state.SHUTDOWN, event='compute_stop_instance',
               notification='power_off'),
    Transition('start', (vm_states.STOPPED,), task_states.POWERING_ON,
               vm_states.ACTIVE, power_state.RUNNING,
               event='compute_start_instance', notification='power_on'),
    Transition('pause', (vm_states.ACTIVE,), task_states.PAUSING,
               vm_states.PAUSED, power_state.PAUSED,
               event='compute_pause_instance', notification='pause'),
    Transition('unpause', (vm_states.PAUSED,), task_states.UNPAUSING,
               vm_states.ACTIVE, power_state.RUNNING,
               event='compute_unpause_instance', notification='unpause'),
    Transition('suspend', (vm_states.ACTIVE,), task_states.SUSPENDING,
               vm_states.SUSPENDED, power_state.SUSPENDED,
               event='compute_suspend_instance', notification='suspend'),
    Transition('resume', (vm_states.SUSPENDED,), task_states.RESUMING,
               vm_states.ACTIVE, power_state.RUNNING,
               event='compute_resume_instance', notification='resume'),
    Transition('changePassword', (vm_states.ACTIVE,),
               task_states.UPDATING_PASSWORD, None, None,
               event='compute_set_admin_password',
               notification='update_password'),
    Transition('trigger_crash_dump', (vm_states.ACTIVE,), None, None, None,
               event='compute_trigger_crash_dump',
               notification='trigger_crash_dump'),
    # Moves: resize/migrate end in 'resized' (VERIFY_RESIZE) on the
    # destination; confirm and revert end where the server started.
    Transition('resize', (vm_states.ACTIVE, vm_states.STOPPED),
               task_states.RESIZE_PREP, vm_states.RESIZED, None,
               event='compute_prep_resize', on_failure='error',
               notification='resize'),
    Transition('migrate', (vm_states.ACTIVE, vm_states.STOPPED),
               task_states.RESIZE_PREP, vm_states.RESIZED, None,
               event='compute_prep_resize', on_failure='error',
               notification='resize'),
    Transition('confirmResize', (vm_states.RESIZED,), None, None, None,
               event='compute_confirm_resize',
               notification='resize_confirm'),
    Transition('revertResize', (vm_states.RESIZED,),
               task_states.RESIZE_REVERTING, None, None,
               event='compute_revert_resize', on_failure='error',
               notification='resize_revert'),
    # Live migration keeps the guest running: the vm_state is unchanged.
    Transition('live-migration', (vm_states.ACTIVE, vm_states.PAUSED),
               task_states.MIGRATING, None, None,
               event='compute_live_migration',
               notification='live_migration'),
    # Evacuate rebuilds the server on another host while its own host
    # is down; it ends in the vm_state the guest comes up in.
    Transition('evacuate', (vm_states.ACTIVE, vm_states.STOPPED,
                            vm_states.ERROR),
               task_states.REBUILDING, None, None,
               event='compute_rebuild_instance', on_failure='error',
               notification='evacuate'),
    Transition('rebuild', (vm_states.ACTIVE, vm_states.STOPPED,
                           vm_states.ERROR),
               task_states.REBUILDING, None, None,
               event='compute_rebuild_instance', on_failure='error',
               notification='rebuild'),
    Transition('shelve', (vm_states.ACTIVE, vm_states.STOPPED,
                          vm_states.PAUSED, vm_states.SUSPENDED),
               task_states.SHELVING, vm_states.SHELVED,
               power_state.SHUTDOWN, event='compute_shelve_instance',
               notification='shelve'),
    Transition('shelveOffload', (vm_states.SHELVED,),
               task_states.SHELVING_OFFLOADING, vm_states.SHELVED_OFFLOADED,
               power_state.NOSTATE, event='compute_shelve_offload_instance',
               notification='shelve_offload'),
    Transition('unshelve', (vm_states.SHELVED, vm_states.SHELVED_OFFLOADED),
               task_states.UNSHELVING, vm_states.ACTIVE, power_state.RUNNING,
               event='compute_unshelve_instance', notification='unshelve'),
    Transition('createImage', _ON_HOST, task_states.IMAGE_SNAPSHOT, None,
               None, event='compute_snapshot_instance',
               notification='snapshot'),
    Transition('createBackup', _ON_HOST, task_states.IMAGE_BACKUP, None,
               None, event='compute_backup_instance',
               notification='snapshot'),
    Transition('rescue', (vm_states.ACTIVE, vm_states.STOPPED,
                          vm_states.ERROR),
               task_states.RESCUING, vm_states.RESCUED, power_state.RUNNING,
               event='compute_rescue_instance', notification='rescue'),
    Transition('unrescue', (vm_states.RESCUED,), task_states.UNRESCUING,
               vm_states.ACTIVE, power_state.RUNNING,
               event='compute_unrescue_instance', notification='unrescue'),
    # Soft delete keeps the guest (powered off) and its allocations
    # until reclaimed; restore brings it back.
    Transition('soft_delete', _ON_HOST + (vm_states.ERROR,
                                          vm_states.RESCUED,
                                          vm_states.RESIZED,
                                          vm_states.SHELVED),
               task_states.SOFT_DELETING, vm_states.SOFT_DELETED,
               power_state.SHUTDOWN, event='compute_soft_delete_instance',
               notification='soft_delete', name='delete'),
    Transition('restore', (vm_states.SOFT_DELETED,), task_states.RESTORING,
               vm_states.ACTIVE, power_state.RUNNING,
               event='compute_restore_instance', notification='restore'),
    Transition('forceDelete', (vm_states.SOFT_DELETED,), None, None, None),
    # Read-only or API-only actions: no task state, nothing to finish.
    # A rescue guest's and a resized guest's consoles are what the user
    # needs to see (the Compute API allows them).
    Transition('get_console_output',
               _ON_HOST + (vm_states.RESCUED, vm_states.RESIZED), None,
               None, None),
    Transition('update_metadata', _ON_HOST, None, None, None),
    Transition('update_tags', _ON_HOST + (vm_states.ERROR,), None, None,
               None),
)}


def get(action):
    """The row of ``action``; KeyError names an action with no row."""
    return TRANSITIONS[action]


def check(action, instance):
    """Raise ``InstanceInvalidState`` (409) unless ``instance`` may start
    ``action`` now. Servers not yet on a host are 'building'."""
    row = get(action)
    vm_state = instance.vm_state if instance.obj_attr_is_set('vm_state') \
        else vm_states.BUILDING
    if not instance.obj_attr_is_set('id'):
        vm_state = vm_states.BUILDING
    name = row.api_action
    if vm_state not in row.from_vm_states:
        raise exception.InstanceInvalidState(
            method=f"'{name}'", instance_uuid=instance.uuid,
            attr='vm_state', state=vm_state)
    task_state = instance.task_state \
        if instance.obj_attr_is_set('task_state') else None
    if task_state not in row.from_task_states:
        raise exception.InstanceInvalidState(
            method=f"'{name}'", instance_uuid=instance.uuid,
            attr='task_state', state=task_state)
    return row


def allowed(action, vm_state, task_state=None):
    """True when ``action`` may start from these states (no instance)."""
    row = get(action)
    return vm_state in row.from_vm_states and \
        task_state in row.from_task_states
