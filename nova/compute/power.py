"""Actions that keep an instance on its host, on the compute side.

Every action runs the same way (the rows of
:mod:`nova.compute.instance_states` say the states): under the
instance's lock and inside an instance action event, the driver does the
work; the power state is then read back from the driver, the vm_state
set to the row's result and the task state cleared with a
compare-and-swap on the task state the API set. When the driver fails,
the instance gets a fault saying what failed and goes back to the
vm_state it had (or ERROR when the guest's state is unknown), with no
task state, so the user can try again.
"""

import sys

from oslo_log import log as logging

from nova import exception, notifications
from nova.compute import instance_states, power_state, vm_states
from nova.compute import utils as compute_utils
from nova.i18n import _

LOG = logging.getLogger(__name__)


class _Gone(Exception):
    """The instance was deleted while the action ran."""


def driver_power_state(mgr, instance):
    """What the driver says of the guest; NOSTATE when there is none."""
    try:
        return mgr.driver.get_info(instance).state
    except exception.InstanceNotFound:
        return power_state.NOSTATE


def run_action(mgr, ctxt, instance, action, work, raise_errors=False):
    """Run ``work()`` (the driver call) as ``action`` on ``instance``.

    Returns what ``work`` returned. Failures are recorded (fault, event,
    state) and swallowed for casts; ``raise_errors`` re-raises them for
    calls, whose caller reports them to the user.
    """
    row = instance_states.get(action)
    with mgr.instance_lock(instance.uuid):
        _notify(ctxt, mgr, instance, row, 'start')
        try:
            with compute_utils.EventReporter(ctxt, row.event, mgr.host,
                                             instance.uuid):
                result = work()
                _finish(mgr, instance, row)
        except _Gone:
            LOG.info('Instance %s was deleted during %s', instance.uuid,
                     action)
            return None
        except exception.UnexpectedTaskStateError as exc:
            # Someone (an admin's reset) took the instance over: theirs.
            LOG.warning('Instance %s changed state during %s, leaving it '
                        'as it is: %s', instance.uuid, action, exc)
            return None
        except Exception as exc:
            exc_info = sys.exc_info()
            _fail(mgr, ctxt, instance, row, exc, exc_info)
            if not raise_errors:
                return None
            if isinstance(exc, NotImplementedError):
                # The caller gets the reason, not a bare error.
                raise exception.ActionNotSupportedByDriver(
                    host=mgr.host, action=row.api_action) from exc
            raise
    _notify(ctxt, mgr, instance, row, 'end')
    LOG.info('%s of instance %s done on %s', action, instance.uuid, mgr.host)
    return result


def _notify(ctxt, mgr, instance, row, phase, exc=None):
    if row.notification:
        notifications.notify_about_instance_action(
            ctxt, instance, mgr.host, row.notification, phase,
            exception=exc)


def _save(instance, expected_task_state):
    try:
        instance.save(expected_task_state=expected_task_state)
    except (exception.InstanceNotFound,
            exception.UnexpectedDeletingTaskStateError) as exc:
        raise _Gone() from exc


def _finish(mgr, instance, row):
    instance.power_state = driver_power_state(mgr, instance)
    if row.vm_state is not None:
        instance.vm_state = row.vm_state
    if row.power_state is not None and \
            instance.power_state != row.power_state:
        LOG.warning('Instance %s is in power state %s after %s; %s was '
                    'expected', instance.uuid, instance.power_state,
                    row.action, row.power_state)
    instance.task_state = None
    _save(instance, row.task_state)


def _failure_message(mgr, row, exc):
    if isinstance(exc, NotImplementedError):
        return exception.ActionNotSupportedByDriver(
            host=mgr.host, action=row.api_action).format_message()
    detail = compute_utils.exception_to_fault(exc)[1]
    return _('%(action)s failed on host %(host)s: %(detail)s') % {
        'action': row.api_action, 'host': mgr.host, 'detail': detail}


def _fail(mgr, ctxt, instance, row, exc, exc_info):
    LOG.error('%s of instance %s failed on %s: %s', row.action,
              instance.uuid, mgr.host, exc)
    _notify(ctxt, mgr, instance, row, 'error', exc)
    compute_utils.add_instance_fault_from_exc(
        ctxt, instance, exc, exc_info,
        fault_message=_failure_message(mgr, row, exc), host=mgr.host)
    try:
        instance.power_state = driver_power_state(mgr, instance)
    except Exception:  # the driver is what failed
        LOG.warning('Could not read the power state of %s', instance.uuid,
                    exc_info=True)
        instance.power_state = power_state.NOSTATE
    if row.on_failure == 'error' or \
            instance.power_state == power_state.NOSTATE:
        instance.vm_state = vm_states.ERROR
    instance.task_state = None
    try:
        _save(instance, row.task_state)
    except _Gone:
        pass
    except exception.UnexpectedTaskStateError:
        LOG.warning('Instance %s changed task state while %s failed; '
                    'leaving it', instance.uuid, row.action)


# The actions, as the manager's RPC methods call them.

def reboot(mgr, ctxt, instance, reboot_type):
    action = 'reboot_hard' if reboot_type == 'HARD' else 'reboot'

    def work():
        network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
        mgr.driver.reboot(ctxt, instance, network_info, reboot_type)
    run_action(mgr, ctxt, instance, action, work)


def stop(mgr, ctxt, instance, clean_shutdown=True):
    timeout = mgr.shutdown_timeout if clean_shutdown else 0
    run_action(mgr, ctxt, instance, 'stop',
               lambda: mgr.driver.power_off(instance, timeout))


def start(mgr, ctxt, instance):
    def work():
        network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
        mgr.driver.power_on(ctxt, instance, network_info)
    run_action(mgr, ctxt, instance, 'start', work)


def pause(mgr, ctxt, instance):
    run_action(mgr, ctxt, instance, 'pause',
               lambda: mgr.driver.pause(instance))


def unpause(mgr, ctxt, instance):
    run_action(mgr, ctxt, instance, 'unpause',
               lambda: mgr.driver.unpause(instance))


def suspend(mgr, ctxt, instance):
    run_action(mgr, ctxt, instance, 'suspend',
               lambda: mgr.driver.suspend(ctxt, instance))


def resume(mgr, ctxt, instance):
    def work():
        network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
        mgr.driver.resume(ctxt, instance, network_info)
    run_action(mgr, ctxt, instance, 'resume', work)


def set_admin_password(mgr, ctxt, instance, new_pass):
    def work():
        try:
            mgr.driver.set_admin_password(instance, new_pass)
        except (NotImplementedError, exception.NovaException):
            raise
        except Exception as exc:
            # Only nova's exceptions cross RPC with their message.
            reason = str(exc)
            if not new_pass or new_pass not in reason:
                raise exception.InstancePasswordSetFailed(
                    instance_uuid=instance.uuid, reason=reason) from exc
            # A guest agent's error may echo the password: it must not
            # reach the fault, the logs or the caller, nor ride along in
            # the chained traceback.
            raise exception.InstancePasswordSetFailed(
                instance_uuid=instance.uuid,
                reason=reason.replace(new_pass, '****')) from None
    run_action(mgr, ctxt, instance, 'changePassword', work,
               raise_errors=True)


def trigger_crash_dump(mgr, ctxt, instance):
    run_action(mgr, ctxt, instance, 'trigger_crash_dump',
               lambda: mgr.driver.trigger_crash_dump(instance))


def get_console_output(mgr, ctxt, instance, tail_length=None):
    """The last ``tail_length`` lines of the console (all when None or
    negative); read-only, so no event or state change."""
    try:
        output = mgr.driver.get_console_output(ctxt, instance)
    except NotImplementedError:
        raise exception.ActionNotSupportedByDriver(
            host=mgr.host, action='console output')
    except exception.InstanceNotFound:
        raise exception.Conflict(
            reason=_('server %s has no guest on its host to read the '
                     'console of') % instance.uuid)
    if isinstance(output, bytes):
        output = output.decode('utf-8', 'replace')
    if tail_length is None or int(tail_length) < 0:
        return output
    lines = output.splitlines(True)
    return ''.join(lines[-int(tail_length):]) if int(tail_length) else ''
