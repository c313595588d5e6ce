"""Shelve, offload and unshelve, on the compute side.

shelve: shelving -> guest powered off, its disk uploaded to the image
the API created ('<name>-shelved') -> shelved; with
``shelved_offload_time`` = 0 it goes on at once to the offload.
offload: shelving_offloading -> guest destroyed, host and node cleared,
Placement allocations removed -> shelved_offloaded. A periodic task
offloads servers shelved longer than ``shelved_offload_time``.
unshelve: unshelving -> a shelved guest is powered on where it is; an
offloaded one is spawned from its shelved image on the host the
conductor scheduled (a new allocation) -> active; the shelved image is
deleted. A failed unshelve of an offloaded server leaves it offloaded
again (no host, no allocation) with a fault.
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova import exception, objects
from nova.compute import power_state, snapshot, task_states, vm_states, workflow

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

SHELVED_AT = 'shelved_at'
SHELVED_IMAGE_ID = 'shelved_image_id'
SHELVED_HOST = 'shelved_host'


def _set_meta(instance, **values):
    meta = dict(instance.system_metadata or {})
    for key, value in values.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    instance.system_metadata = meta


def shelve(mgr, ctxt, instance, image_id):
    offload_now = CONF.shelved_offload_time == 0

    def work():
        mgr.driver.power_off(instance, mgr.shutdown_timeout)
        snapshot.upload(mgr, ctxt, instance, image_id)
        _set_meta(instance, **{SHELVED_AT: timeutils.utcnow().isoformat(),
                               SHELVED_IMAGE_ID: image_id,
                               SHELVED_HOST: mgr.host})
        expected = instance.task_state
        instance.power_state = workflow.driver_power_state(mgr, instance)
        instance.vm_state = vm_states.SHELVED
        instance.task_state = task_states.SHELVING_OFFLOADING \
            if offload_now else None
        instance.save(expected_task_state=expected)

    if not workflow.run(mgr, ctxt, instance, 'shelve', work):
        snapshot.delete_image_quietly(mgr, ctxt, image_id)
        return
    if offload_now:
        shelve_offload(mgr, ctxt, instance)


def _offload(mgr, ctxt, instance):
    network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
    mgr.driver.destroy(ctxt, instance, network_info)
    instance.power_state = power_state.NOSTATE
    instance.vm_state = vm_states.SHELVED_OFFLOADED
    instance.task_state = None
    instance.host = None
    instance.node = None
    instance.save(expected_task_state=task_states.SHELVING_OFFLOADING)
    mgr.reportclient.delete_allocation_for_instance(ctxt, instance.uuid)
    mgr.rt.update_usage_on_delete(instance)


def shelve_offload(mgr, ctxt, instance):
    workflow.run(mgr, ctxt, instance, 'shelveOffload',
                 lambda: _offload(mgr, ctxt, instance))


def _spawn_here(mgr, ctxt, instance, node):
    """Spawn an offloaded server on this host from its shelved image;
    on failure leave it as offloaded as it was."""
    image_id = (instance.system_metadata or {}).get(SHELVED_IMAGE_ID) \
        or instance.image_ref
    claim = mgr.rt.instance_claim(ctxt, instance, node)
    try:
        with claim:
            instance.save(expected_task_state=task_states.UNSHELVING)
            image = mgr.image_api.get(ctxt, image_id)
            network_info = mgr.network_api.get_instance_nw_info(ctxt,
                                                                instance)
            allocations = mgr.reportclient.get_allocations_for_consumer(
                ctxt, instance.uuid)
            mgr.driver.spawn(ctxt, instance,
                             objects.ImageMeta.from_dict(image), [], None,
                             allocations, network_info=network_info)
    except Exception:
        try:
            mgr.reportclient.delete_allocation_for_instance(ctxt,
                                                            instance.uuid)
        except Exception:
            LOG.exception('Could not remove the allocation of failed '
                          'unshelve %s', instance.uuid)
        instance.host = None
        instance.node = None
        raise
    mgr.rt.finish_claim(instance.uuid, claim.nodename)


def unshelve(mgr, ctxt, instance, node=None):
    def work():
        image_id = (instance.system_metadata or {}).get(SHELVED_IMAGE_ID)
        if instance.vm_state == vm_states.SHELVED:
            network_info = mgr.network_api.get_instance_nw_info(ctxt,
                                                                instance)
            mgr.driver.power_on(ctxt, instance, network_info)
        else:
            _spawn_here(mgr, ctxt, instance, node)
        if image_id:
            snapshot.delete_image_quietly(mgr, ctxt, image_id)
        _set_meta(instance, **{SHELVED_AT: None, SHELVED_IMAGE_ID: None,
                               SHELVED_HOST: None})
        instance.power_state = workflow.driver_power_state(mgr, instance)
        instance.vm_state = vm_states.ACTIVE
        instance.task_state = None
        instance.launched_at = timeutils.utcnow()
        instance.save(expected_task_state=task_states.UNSHELVING)
    workflow.run(mgr, ctxt, instance, 'unshelve', work)


def offload_expired(mgr, ctxt):
    """Offload this host's servers shelved longer than
    ``shelved_offload_time``; how many were offloaded."""
    wait = CONF.shelved_offload_time
    if wait <= 0:
        return 0
    cutoff = timeutils.utcnow() - datetime.timedelta(seconds=wait)
    offloaded = 0
    for instance in objects.InstanceList.get_by_filters(
            ctxt, {'host': mgr.host, 'vm_state': vm_states.SHELVED},
            expected_attrs=['system_metadata', 'flavor']):
        shelved_at = (instance.system_metadata or {}).get(SHELVED_AT)
        if instance.task_state is not None or not shelved_at:
            continue
        if timeutils.normalize_time(timeutils.parse_isotime(shelved_at)) \
                > timeutils.normalize_time(cutoff):
            continue
        instance.task_state = task_states.SHELVING_OFFLOADING
        try:
            instance.save(expected_task_state=[None])
        except exception.UnexpectedTaskStateError:
            continue
        objects.InstanceAction.action_start(ctxt, instance.uuid,
                                            'shelveOffload',
                                            want_result=False)
        shelve_offload(mgr, ctxt, instance)
        offloaded += 1
    return offloaded
