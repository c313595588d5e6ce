"""Deleting an instance on this host (internals.rst, boot/delete step 4).

guest destroyed -> IPs released -> instance soft-deleted (vm_state
deleted, terminated_at) -> Placement allocations removed -> usage updated.
A guest the driver cannot destroy leaves the instance in ERROR with a
fault, so the user can retry the delete.
"""

import sys

from oslo_log import log as logging
from oslo_utils import timeutils

from nova import exception, notifications, objects
from nova.compute import power_state, resize, task_states, vm_states
from nova.compute import utils as compute_utils
from nova.i18n import _

LOG = logging.getLogger(__name__)

TERMINATE_EVENT = 'compute_terminate_instance'


def terminate_instance(mgr, ctxt, instance):
    """Delete ``instance`` (waits for a build of it on this host)."""
    with mgr.instance_lock(instance.uuid):
        try:
            with compute_utils.EventReporter(ctxt, TERMINATE_EVENT,
                                             mgr.host, instance.uuid):
                _terminate(mgr, ctxt, instance)
        except exception.InstanceNotFound:
            LOG.info('Instance %s was already deleted', instance.uuid)
            _forget(mgr, ctxt, instance)
        except Exception as exc:
            LOG.exception('Delete of instance %s failed on %s',
                          instance.uuid, mgr.host)
            compute_utils.add_instance_fault_from_exc(
                ctxt, instance, exc, sys.exc_info(),
                fault_message=_('Delete failed on host %(host)s: %(err)s; '
                                'delete the server again to retry') % {
                    'host': mgr.host,
                    'err': compute_utils.exception_to_fault(exc)[1]},
                host=mgr.host)
            instance.vm_state = vm_states.ERROR
            instance.task_state = None
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass


def _terminate(mgr, ctxt, instance):
    notifications.notify_about_instance_action(
        ctxt, instance, mgr.host, 'delete', 'start')
    if instance.task_state != task_states.DELETING:
        instance.task_state = task_states.DELETING
        instance.save()
    network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
    mgr.driver.destroy(ctxt, instance, network_info)
    mgr.network_api.deallocate_for_instance(ctxt, instance)
    instance.vm_state = vm_states.DELETED
    instance.task_state = None
    instance.power_state = power_state.NOSTATE
    instance.terminated_at = timeutils.utcnow()
    # destroy() writes the pending state changes with the soft delete.
    instance.destroy()
    _forget_console_tokens(ctxt, instance)
    _forget(mgr, ctxt, instance)
    LOG.info('Instance %s deleted from %s', instance.uuid, mgr.host)
    notifications.notify_about_instance_action(
        ctxt, instance, mgr.host, 'delete', 'end')


def _forget_console_tokens(ctxt, instance):
    """Its console tokens die with it; validation refuses the tokens of a
    deleted instance anyway, so a failure here only leaves rows."""
    try:
        objects.ConsoleAuthToken.clean_console_auths_for_instance(
            ctxt, instance.uuid)
    except Exception:
        LOG.exception('Could not remove the console tokens of deleted '
                      'instance %s', instance.uuid)


def _forget(mgr, ctxt, instance):
    """Remove the allocations and local usage of a deleted instance."""
    try:
        mgr.reportclient.delete_allocation_for_instance(ctxt, instance.uuid)
        resize.drop_move_allocations(mgr.reportclient, ctxt, instance.uuid)
    except Exception:
        LOG.exception('Could not remove the allocations of deleted '
                      'instance %s; they stay in Placement until removed',
                      instance.uuid)
    mgr.rt.update_usage_on_delete(instance)
