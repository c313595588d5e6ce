"""Healing the network info cache, one instance per pass.

Server views show addresses from an instance's info cache, written when
its network is allocated. A write lost to a crash, or a change made
behind the compute's back, would leave the view wrong for ever. Every
``heal_instance_info_cache_interval`` seconds the compute rebuilds the
cache of one of its instances from the network service, going round all
of them in turn (so each is healed once per instances × interval).
Instances being built or deleted are skipped: their action writes it.
"""

import collections

from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova import exception, objects
from nova.compute import task_states, vm_states

LOG = logging.getLogger(__name__)

_SKIPPED_VM_STATES = (vm_states.BUILDING, vm_states.DELETED)
_SKIPPED_TASK_STATES = (task_states.SPAWNING, task_states.DELETING)


class Healer:
    """The round of instances still to heal on one host."""

    def __init__(self):
        self._queue = collections.deque()

    def heal_one(self, mgr, ctxt):
        """Heal the next instance of the round; its uuid when its cache
        changed, else None. A new round starts from the DB when the last
        one is done."""
        if not self._queue:
            self._queue.extend(i.uuid for i in objects.InstanceList
                               .get_by_host(ctxt, mgr.host))
        while self._queue:
            uuid = self._queue.popleft()
            try:
                instance = objects.Instance.get_by_uuid(
                    ctxt, uuid, expected_attrs=['info_cache'])
            except exception.InstanceNotFound:
                continue
            if instance.host != mgr.host or \
                    instance.vm_state in _SKIPPED_VM_STATES or \
                    instance.task_state in _SKIPPED_TASK_STATES:
                continue
            return _heal(mgr, ctxt, instance)
        return None


def _heal(mgr, ctxt, instance):
    network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
    cache = instance.info_cache or objects.InstanceInfoCache(
        ctxt, instance_uuid=instance.uuid, network_info='[]')
    current = jsonutils.loads(cache.network_info or '[]')
    if current == network_info:
        return None
    cache._context = ctxt
    cache.network_info = jsonutils.dumps(network_info)
    cache.save()
    LOG.info('Healed the network info cache of instance %s (%d VIFs, '
             'the cache had %d)', instance.uuid, len(network_info),
             len(current))
    return instance.uuid
