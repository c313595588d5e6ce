"""Periodic power state sync: the database follows what the guest did.

Every ``sync_power_state_interval`` seconds the compute compares, for
each of its instances with no task in progress, the power state its
driver reports with the database:

* the power state stored is updated to the driver's;
* an ``active`` instance whose guest is shut down, crashed or gone (shut
  down from inside, or the hypervisor lost it) is stopped by the system:
  an instance action ``stop`` is recorded (by no user), the guest is
  powered off to be sure, and the instance becomes ``stopped`` /
  SHUTDOWN, shown as SHUTOFF;
* a ``stopped`` instance whose guest runs again is powered off, also
  recorded as a ``stop``: the API's state is the one users asked for.

Other states are left alone; an instance with a task in progress is
skipped (its action will set the power state when it ends). Drivers that
emit lifecycle events (libvirt) have the same done for one instance as
soon as its guest changes (:func:`sync_instance`), so a guest shut down
from inside shows SHUTOFF within seconds.
"""

from oslo_log import log as logging

from nova import context as nova_context
from nova import exception, objects
from nova.compute import power, power_state, vm_states
from nova.compute import utils as compute_utils

LOG = logging.getLogger(__name__)

SYNC_EVENT = 'compute_stop_instance'
# Power states meaning the guest does not run.
_OFF = (power_state.SHUTDOWN, power_state.CRASHED, power_state.NOSTATE)


def sync_power_states(mgr, ctxt):
    """One pass over this host's instances; returns how many changed."""
    changed = 0
    for instance in objects.InstanceList.get_by_host(ctxt, mgr.host):
        try:
            if _sync(mgr, instance):
                changed += 1
        except Exception:
            LOG.exception('Could not sync the power state of %s',
                          instance.uuid)
    return changed


def sync_instance(mgr, ctxt, instance_uuid):
    """Sync one instance now (a lifecycle event from the driver said its
    guest changed); instances gone or on another host are ignored."""
    try:
        instance = objects.Instance.get_by_uuid(ctxt, instance_uuid)
    except exception.InstanceNotFound:
        return False
    if instance.host != mgr.host:
        return False    # moving: the event is its source's or target's
    return _sync(mgr, instance)


def _sync(mgr, instance):
    if instance.task_state is not None:
        return False
    with mgr.instance_lock(instance.uuid):
        try:
            instance.refresh()
        except exception.InstanceNotFound:
            return False
        if instance.task_state is not None:
            return False
        actual = power.driver_power_state(mgr, instance)
        if instance.vm_state == vm_states.ACTIVE and actual in _OFF:
            LOG.warning('Instance %s is active but its guest is %s; the '
                        'system stops it', instance.uuid,
                        power_state.STATE_MAP.get(actual, actual))
            _system_stop(mgr, instance)
            return True
        if instance.vm_state == vm_states.STOPPED and \
                actual not in _OFF:
            LOG.warning('Instance %s is stopped but its guest is %s; '
                        'powering it off', instance.uuid,
                        power_state.STATE_MAP.get(actual, actual))
            _system_stop(mgr, instance)
            return True
        if instance.power_state != actual:
            instance.power_state = actual
            instance.save(expected_task_state=[None])
            return True
    return False


def _system_stop(mgr, instance):
    """Stop ``instance`` as the system (no user), recorded as 'stop'."""
    # A request id of its own, so the action and its event pair up.
    ctxt = nova_context.get_admin_context()
    objects.InstanceAction.action_start(ctxt, instance.uuid, 'stop',
                                        want_result=False)
    with compute_utils.EventReporter(ctxt, SYNC_EVENT, mgr.host,
                                     instance.uuid):
        try:
            mgr.driver.power_off(instance, 0)
        except exception.InstanceNotFound:
            pass    # nothing left to power off
        instance.power_state = power.driver_power_state(mgr, instance)
        instance.vm_state = vm_states.STOPPED
        instance.save(expected_task_state=[None])
    objects.InstanceAction.action_finish(ctxt, instance.uuid,
                                         want_result=False)
