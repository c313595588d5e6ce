"""Rescue and unrescue, on the instance's host.

rescue: rescuing -> the guest boots from the rescue image (the server's
own image unless one was given) with its disk attached -> rescued.
unrescue: unrescuing -> the guest boots from its own disk -> active.
"""

from oslo_log import log as logging

from nova import objects
from nova.compute import task_states, vm_states, workflow

LOG = logging.getLogger(__name__)


def rescue(mgr, ctxt, instance, rescue_password, rescue_image_ref=None):
    def work():
        image = mgr.image_api.get(ctxt, rescue_image_ref or
                                  instance.image_ref)
        network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
        mgr.driver.rescue(ctxt, instance, network_info,
                          objects.ImageMeta.from_dict(image),
                          rescue_password)
        instance.power_state = workflow.driver_power_state(mgr, instance)
        instance.vm_state = vm_states.RESCUED
        instance.task_state = None
        instance.save(expected_task_state=task_states.RESCUING)
    workflow.run(mgr, ctxt, instance, 'rescue', work)


def unrescue(mgr, ctxt, instance):
    def work():
        mgr.driver.unrescue(ctxt, instance)
        instance.power_state = workflow.driver_power_state(mgr, instance)
        instance.vm_state = vm_states.ACTIVE
        instance.task_state = None
        instance.save(expected_task_state=task_states.UNRESCUING)
    workflow.run(mgr, ctxt, instance, 'unrescue', work)
