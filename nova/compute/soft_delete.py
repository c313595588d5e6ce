"""Soft delete, restore and reclaim, on the instance's host.

With ``[DEFAULT] reclaim_instance_interval`` > 0 a delete powers the
guest off and leaves the instance in vm_state soft-delete, its
allocations kept; ``restore`` powers it on again (active); a periodic
task deletes for good (nova.compute.delete) the soft-deleted instances
of this host older than the interval.
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova import objects
from nova.compute import delete, task_states, vm_states, workflow

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def soft_delete(mgr, ctxt, instance):
    def work():
        mgr.driver.power_off(instance, 0)
        instance.power_state = workflow.driver_power_state(mgr, instance)
        instance.vm_state = vm_states.SOFT_DELETED
        instance.task_state = None
        instance.save(expected_task_state=task_states.SOFT_DELETING)
    workflow.run(mgr, ctxt, instance, 'soft_delete', work)


def restore(mgr, ctxt, instance):
    def work():
        network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
        mgr.driver.power_on(ctxt, instance, network_info)
        instance.power_state = workflow.driver_power_state(mgr, instance)
        instance.vm_state = vm_states.ACTIVE
        instance.task_state = None
        instance.save(expected_task_state=task_states.RESTORING)
    workflow.run(mgr, ctxt, instance, 'restore', work)


def _naive(value):
    if value is not None and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


def reclaim_expired(mgr, ctxt, interval=None):
    """Delete this host's instances soft-deleted longer than the
    interval ago; how many were reclaimed."""
    interval = CONF.reclaim_instance_interval if interval is None \
        else interval
    if interval <= 0:
        return 0
    cutoff = _naive(timeutils.utcnow()) - datetime.timedelta(
        seconds=interval)
    instances = objects.InstanceList.get_by_filters(
        ctxt, {'host': mgr.host, 'vm_state': vm_states.SOFT_DELETED},
        expected_attrs=['system_metadata'])
    reclaimed = 0
    for instance in instances:
        if instance.task_state is not None:
            continue
        if _naive(instance.updated_at or instance.created_at) > cutoff:
            continue
        LOG.info('Reclaiming soft-deleted instance %s', instance.uuid)
        objects.InstanceAction.action_start(ctxt, instance.uuid, 'delete',
                                            want_result=False)
        delete.terminate_instance(mgr, ctxt, instance)
        reclaimed += 1
    return reclaimed
