"""How the compute runs a multi-step action (rebuild, shelve, snapshot,
rescue, soft delete, ...) of one row of the state table.

Under the instance's lock and inside the row's instance action event,
``work()`` does the steps and saves the states it goes through. When it
raises, the instance gets a fault saying which action failed where and
why, the row's ``error`` notification is sent, and the instance ends with
no task state: in ERROR (``on_failure='error'``, or no guest left) or
back in the vm_state it had.
"""

import sys

from oslo_log import log as logging

from nova import exception, notifications
from nova.compute import instance_states, power_state, vm_states
from nova.compute import utils as compute_utils
from nova.i18n import _

LOG = logging.getLogger(__name__)


def driver_power_state(mgr, instance):
    try:
        return mgr.driver.get_info(instance).state
    except Exception:  # noqa: BLE001 - no guest, or the driver failed
        return power_state.NOSTATE


def notify(mgr, ctxt, instance, row, phase, exc=None):
    if row.notification:
        notifications.notify_about_instance_action(
            ctxt, instance, mgr.host, row.notification, phase,
            exception=exc)


def run(mgr, ctxt, instance, action, work):
    """Run ``work()`` as ``action``; True when it succeeded."""
    row = instance_states.get(action)
    with mgr.instance_lock(instance.uuid):
        former_vm_state = instance.vm_state
        notify(mgr, ctxt, instance, row, 'start')
        try:
            with compute_utils.EventReporter(ctxt, row.event, mgr.host,
                                             instance.uuid):
                work()
        except (exception.InstanceNotFound,
                exception.UnexpectedDeletingTaskStateError):
            LOG.info('Instance %s was deleted during %s', instance.uuid,
                     action)
            return False
        except Exception as exc:  # noqa: BLE001 - any failure ends the action
            fail(mgr, ctxt, instance, row, exc, sys.exc_info(),
                 former_vm_state)
            return False
    notify(mgr, ctxt, instance, row, 'end')
    LOG.info('%s of instance %s done on %s', row.api_action, instance.uuid,
             mgr.host)
    return True


def fail(mgr, ctxt, instance, row, exc, exc_info, former_vm_state):
    LOG.error('%s of instance %s failed on %s: %s', row.api_action,
              instance.uuid, mgr.host, exc)
    notify(mgr, ctxt, instance, row, 'error', exc)
    if isinstance(exc, NotImplementedError):
        message = exception.ActionNotSupportedByDriver(
            host=mgr.host, action=row.api_action).format_message()
    else:
        message = _('%(action)s failed on host %(host)s: %(detail)s') % {
            'action': row.api_action, 'host': mgr.host,
            'detail': compute_utils.exception_to_fault(exc)[1]}
    compute_utils.add_instance_fault_from_exc(
        ctxt, instance, exc, exc_info, fault_message=message, host=mgr.host)
    instance.power_state = driver_power_state(mgr, instance)
    if row.on_failure == 'error' or (
            instance.power_state == power_state.NOSTATE and
            former_vm_state not in (vm_states.SHELVED_OFFLOADED,)):
        instance.vm_state = vm_states.ERROR
    else:
        instance.vm_state = former_vm_state
    instance.task_state = None
    try:
        instance.save()
    except exception.InstanceNotFound:
        pass
