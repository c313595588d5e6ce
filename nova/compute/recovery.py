"""Start-up recovery: finish what a crash of nova-compute interrupted.

An instance left ``building`` can no longer finish (its build thread is
gone): it goes to ERROR with a fault. One left ``deleting`` is deleted.
Any other task in progress is cleared and the power state re-read.
"""

from oslo_log import log as logging

from nova import exception, objects
from nova.compute import build, delete, power_state, task_states, vm_states
from nova.compute import utils as compute_utils
from nova.i18n import _

LOG = logging.getLogger(__name__)


def recover_instances(mgr, ctxt):
    for instance in objects.InstanceList.get_by_host(ctxt, mgr.host):
        try:
            _recover(mgr, ctxt, instance)
        except Exception:
            LOG.exception('Could not recover instance %s', instance.uuid)


def _recover(mgr, ctxt, instance):
    if instance.task_state == task_states.DELETING:
        LOG.info('Finishing the interrupted delete of %s', instance.uuid)
        delete.terminate_instance(mgr, ctxt, instance)
    elif instance.vm_state == vm_states.BUILDING:
        LOG.warning('Instance %s was building when %s stopped; setting it '
                    'to ERROR', instance.uuid, mgr.host)
        try:
            network_info = mgr.network_api.get_instance_nw_info(
                ctxt, instance)
            mgr.driver.destroy(ctxt, instance, network_info)
            mgr.network_api.deallocate_for_instance(ctxt, instance)
        except Exception:
            LOG.exception('Could not clean up the build of %s',
                          instance.uuid)
        exc = exception.BuildAbortException(
            instance_uuid=instance.uuid,
            reason=_('the compute service on host %s restarted while the '
                     'instance was building; delete the server and create '
                     'it again') % mgr.host)
        compute_utils.add_instance_fault_from_exc(ctxt, instance, exc,
                                                  host=mgr.host)
        try:
            mgr.reportclient.delete_allocation_for_instance(
                ctxt, instance.uuid)
        except Exception:
            LOG.exception('Could not remove the allocations of %s',
                          instance.uuid)
        build.set_error_state(instance)
    elif instance.task_state is not None:
        LOG.info('Clearing task %s of instance %s interrupted by a restart',
                 instance.task_state, instance.uuid)
        try:
            instance.power_state = mgr.driver.get_info(instance).state
        except exception.InstanceNotFound:
            instance.power_state = power_state.NOSTATE
        instance.task_state = None
        instance.save()
