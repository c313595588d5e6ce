"""Guests of deleted instances still on this host's hypervisor.

A delete cut off between the instance row and the guest (a crash of the
driver's destroy, a hypervisor that came back with an old guest) leaves a
guest that nothing owns: it uses memory, CPU and disk that Placement no
longer counts. ``running_deleted_instance_action`` says what to do with
it once its instance has been deleted for
``running_deleted_instance_timeout`` seconds. Guests of instances that
exist (on this host or another, e.g. a resize's source) are never
touched: their disks may be the only copy.
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova import objects

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def _deleted_long_enough(instance, timeout):
    if not instance.deleted:
        return False
    deleted_at = instance.deleted_at
    if deleted_at is None:
        return True
    if deleted_at.tzinfo is None:
        deleted_at = deleted_at.replace(tzinfo=datetime.UTC)
    age = timeutils.utcnow(with_timezone=True) - deleted_at
    return age.total_seconds() >= timeout


def running_deleted_guests(mgr, ctxt):
    """The instances (deleted) whose guests this hypervisor still runs."""
    uuids = [uuid for uuid in mgr.driver.list_instance_uuids()
             if uuid not in mgr.operations]
    if not uuids:
        return []
    deleted = objects.InstanceList.get_by_filters(
        ctxt.elevated(read_deleted='yes'), {'uuid': uuids, 'deleted': True})
    timeout = CONF.running_deleted_instance_timeout
    # Guests of unknown (or archived) instances are not ours: left alone.
    return [i for i in deleted if _deleted_long_enough(i, timeout)]


def handle_running_deleted(mgr, ctxt):
    """Apply ``running_deleted_instance_action``; how many guests."""
    action = CONF.running_deleted_instance_action
    if action == 'noop':
        return 0
    guests = running_deleted_guests(mgr, ctxt)
    for instance in guests:
        LOG.warning('Guest of deleted instance %s is still on %s (%s)',
                    instance.uuid, mgr.host, action)
        try:
            if action == 'reap':
                mgr.driver.destroy(ctxt, instance, [], destroy_disks=True)
            elif action == 'shutdown':
                mgr.driver.power_off(instance)
        except Exception:  # next guest; the next poll tries again
            LOG.exception('Could not %s the guest of deleted instance %s',
                          action, instance.uuid)
    return len(guests)
