"""Rebuilding an instance on its host: a new root disk from an image.

rebuilding -> (guest destroyed) -> rebuild_spawning -> (guest spawned
from the image) -> active, or stopped again when it was stopped. The
host, flavor and Placement allocations stay as they are.
``preserve_ephemeral`` keeps the ephemeral disk (the driver is asked not
to destroy disks).
"""

from oslo_log import log as logging
from oslo_utils import timeutils

from nova import objects
from nova.compute import power_state, task_states, vm_states, workflow

LOG = logging.getLogger(__name__)


def rebuild(mgr, ctxt, instance, image_ref, admin_password,
            preserve_ephemeral=False):
    was_stopped = instance.vm_state == vm_states.STOPPED

    def work():
        image = mgr.image_api.get(ctxt, image_ref)
        network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
        mgr.driver.destroy(ctxt, instance, network_info,
                           destroy_disks=not preserve_ephemeral)
        instance.task_state = task_states.REBUILD_SPAWNING
        instance.save(expected_task_state=task_states.REBUILDING)
        allocations = mgr.reportclient.get_allocations_for_consumer(
            ctxt, instance.uuid)
        mgr.driver.spawn(ctxt, instance, objects.ImageMeta.from_dict(image),
                         [], admin_password, allocations,
                         network_info=network_info)
        if was_stopped:
            mgr.driver.power_off(instance, 0)
        instance.power_state = workflow.driver_power_state(mgr, instance)
        instance.vm_state = vm_states.STOPPED \
            if instance.power_state == power_state.SHUTDOWN \
            else vm_states.ACTIVE
        instance.task_state = None
        instance.launched_at = timeutils.utcnow()
        instance.save(expected_task_state=task_states.REBUILD_SPAWNING)

    workflow.run(mgr, ctxt, instance, 'rebuild', work)
