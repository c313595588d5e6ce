"""The compute API's server actions that keep an instance on its host.

Mixed into :class:`nova.compute.api.API`. Each action checks the lock
and the state table (:mod:`nova.compute.instance_states`), saves the
task state with a compare-and-swap on the states it was allowed from,
records the instance action under the request's id and casts (or calls)
the compute. If the compute cannot be reached, the task state is put
back so that nothing half-done is left.
"""

from oslo_log import log as logging

import nova.conf
from nova import context as nova_context
from nova import exception, notifications, objects
from nova.compute import instance_states, vm_states
from nova.i18n import _

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

RESETTABLE_STATES = {'active': vm_states.ACTIVE, 'error': vm_states.ERROR}


class InstanceIsLocked(exception.Conflict):
    msg_fmt = _("Instance %(instance_uuid)s is locked; unlock it before "
                "'%(action)s'.")


class InstanceNotOnHost(exception.Conflict):
    msg_fmt = _("Cannot '%(action)s' instance %(instance_uuid)s: it is on "
                "no host (its build failed); delete it instead.")


class ActionsMixin:
    """Server actions of :class:`nova.compute.api.API`."""

    def _on_host(self, context, instance):
        """The cell context of a scheduled instance; 409 while it is
        still a build request."""
        if not instance.obj_attr_is_set('id'):
            # Scheduled meanwhile? Read it again from its cell.
            instance = self.get(context, instance.uuid)
            if not instance.obj_attr_is_set('id'):
                return None, instance
        cell = self.cell_of(context, instance.uuid)
        return cell, instance

    @staticmethod
    def check_lock(context, instance, action):
        """409 for a non-admin acting on a locked server."""
        if instance.obj_attr_is_set('locked') and instance.locked and \
                not context.is_admin:
            raise InstanceIsLocked(instance_uuid=instance.uuid,
                                   action=action)

    def _start_action(self, context, instance, action, rpc_call,
                      check_lock=True):
        """Run ``action`` (a row of the state table): returns what
        ``rpc_call(cctxt, instance)`` returned."""
        row = instance_states.get(action)
        if check_lock:
            self.check_lock(context, instance, row.api_action)
        cell, instance = self._on_host(context, instance)
        instance_states.check(action, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                method=f"'{row.api_action}'", instance_uuid=instance.uuid,
                attr='vm_state', state=vm_states.BUILDING)
        if not instance.host:
            # A cast with no host would go to any compute.
            raise InstanceNotOnHost(action=row.api_action,
                                    instance_uuid=instance.uuid)
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            if row.task_state is not None:
                instance.task_state = row.task_state
                try:
                    instance.save(expected_task_state=list(
                        row.from_task_states),
                        expected_vm_state=list(row.from_vm_states))
                except exception.UnexpectedTaskStateError:
                    # Another request changed it since we read it.
                    instance.refresh()
                    instance_states.check(action, instance)
                    raise
            if row.event is not None:
                objects.InstanceAction.action_start(
                    cctxt, instance.uuid, row.api_action, want_result=False)
            try:
                return rpc_call(cctxt, instance)
            except Exception as exc:
                if not _is_bus_failure(exc):
                    raise
                LOG.error('Could not send %s of %s to its compute: %s',
                          action, instance.uuid, exc)
                if row.task_state is not None:
                    instance.task_state = None
                    instance.save()
                raise exception.MessagingUnavailable(reason=str(exc))

    # Power ----------------------------------------------------------------

    def reboot(self, context, instance, reboot_type):
        action = 'reboot_hard' if reboot_type == 'HARD' else 'reboot'
        return self._start_action(
            context, instance, action,
            lambda cctxt, inst: self.compute_rpcapi.reboot_instance(
                cctxt, inst, reboot_type=reboot_type))

    def stop(self, context, instance):
        return self._start_action(
            context, instance, 'stop',
            lambda cctxt, inst: self.compute_rpcapi.stop_instance(
                cctxt, inst))

    def start(self, context, instance):
        return self._start_action(
            context, instance, 'start',
            lambda cctxt, inst: self.compute_rpcapi.start_instance(
                cctxt, inst))

    def pause(self, context, instance):
        return self._start_action(
            context, instance, 'pause',
            lambda cctxt, inst: self.compute_rpcapi.pause_instance(
                cctxt, inst))

    def unpause(self, context, instance):
        return self._start_action(
            context, instance, 'unpause',
            lambda cctxt, inst: self.compute_rpcapi.unpause_instance(
                cctxt, inst))

    def suspend(self, context, instance):
        return self._start_action(
            context, instance, 'suspend',
            lambda cctxt, inst: self.compute_rpcapi.suspend_instance(
                cctxt, inst))

    def resume(self, context, instance):
        return self._start_action(
            context, instance, 'resume',
            lambda cctxt, inst: self.compute_rpcapi.resume_instance(
                cctxt, inst))

    def trigger_crash_dump(self, context, instance):
        return self._start_action(
            context, instance, 'trigger_crash_dump',
            lambda cctxt, inst: self.compute_rpcapi.trigger_crash_dump(
                cctxt, inst))

    def set_admin_password(self, context, instance, password):
        return self._start_action(
            context, instance, 'changePassword',
            lambda cctxt, inst: self.compute_rpcapi.set_admin_password(
                cctxt, inst, new_pass=password))

    def get_console_output(self, context, instance, tail_length=None):
        return self._start_action(
            context, instance, 'get_console_output',
            lambda cctxt, inst: self.compute_rpcapi.get_console_output(
                cctxt, inst, tail_length=tail_length),
            check_lock=False)

    # Lock and admin state -------------------------------------------------

    def _save_in_cell(self, context, instance, record_action=None):
        cell, instance = self._on_host(context, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                method=f"'{record_action or 'update'}'",
                instance_uuid=instance.uuid, attr='vm_state',
                state=vm_states.BUILDING)
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            instance.save()
            if record_action:
                objects.InstanceAction.action_start(
                    cctxt, instance.uuid, record_action, want_result=False)
        return instance

    def lock(self, context, instance):
        """Lock the server: only admins may act on it until unlocked.
        ``locked_by`` says whether its owner or an admin locked it."""
        _cell, instance = self._on_host(context, instance)
        is_owner = instance.project_id == context.project_id
        instance.locked = True
        instance.locked_by = 'owner' if is_owner else 'admin'
        instance = self._save_in_cell(context, instance, 'lock')
        notifications.notify_about_instance_action(
            context, instance, CONF.host, 'lock', None, source='nova-api')
        return instance

    def unlock(self, context, instance):
        _cell, instance = self._on_host(context, instance)
        instance.locked = False
        instance.locked_by = None
        instance = self._save_in_cell(context, instance, 'unlock')
        notifications.notify_about_instance_action(
            context, instance, CONF.host, 'unlock', None, source='nova-api')
        return instance

    def reset_state(self, context, instance, state):
        """Admin: set vm_state ``state`` (active or error) and clear the
        task state, whatever the instance was doing."""
        _cell, instance = self._on_host(context, instance)
        instance.vm_state = RESETTABLE_STATES[state]
        instance.task_state = None
        return self._save_in_cell(context, instance, 'resetState')


def _is_bus_failure(exc):
    import oslo_messaging as messaging
    return isinstance(exc, (messaging.MessageDeliveryFailure,
                            messaging.MessagingTimeout,
                            messaging.exceptions.MessagingException)) and \
        not isinstance(exc, messaging.RemoteError)
