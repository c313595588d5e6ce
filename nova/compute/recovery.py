"""Start-up recovery: finish what a crash of nova-compute interrupted.

An instance left ``building`` can no longer finish (its build thread is
gone): it goes to ERROR with a fault. One left ``deleting`` is deleted.
A live migration left running is rolled back (the guest is still here):
its migration ends in 'error', the instance keeps its vm_state and gets
its allocation back, with a fault. A resize, migration or rebuild cut in
the middle leaves disks in an unknown state: ERROR with a fault naming
it. Any other task in progress is cleared and the power state re-read;
without a guest left the instance goes to ERROR with a fault.
"""

from oslo_log import log as logging

from nova import exception, objects
from nova.compute import build, delete, power_state, task_states, vm_states
from nova.compute import utils as compute_utils
from nova.i18n import _

LOG = logging.getLogger(__name__)


def recover_instances(mgr, ctxt):
    from nova.compute import evacuate
    try:
        evacuate.destroy_evacuated_instances(mgr, ctxt)
    except Exception:
        LOG.exception('Could not clean up the evacuated instances of %s',
                      mgr.host)
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
    elif instance.task_state == task_states.MIGRATING:
        _recover_live_migration(mgr, ctxt, instance)
    elif instance.task_state in _UNSAFE_TASKS:
        _interrupted(mgr, ctxt, instance, error=True)
    elif instance.task_state is not None:
        _interrupted(mgr, ctxt, instance, error=False)


# Tasks that leave disks or the guest half moved or half rebuilt.
_UNSAFE_TASKS = (task_states.RESIZE_PREP, task_states.RESIZE_MIGRATING,
                 task_states.RESIZE_MIGRATED, task_states.RESIZE_FINISH,
                 task_states.RESIZE_REVERTING, task_states.REBUILDING,
                 task_states.REBUILD_BLOCK_DEVICE_MAPPING,
                 task_states.REBUILD_SPAWNING, task_states.UNSHELVING,
                 task_states.SHELVING_OFFLOADING)


class OperationInterrupted(exception.NovaException):
    msg_fmt = _('The %(task)s of this server was interrupted by a restart '
                'of the compute service on host %(host)s.')


def _power_state(mgr, instance):
    try:
        return mgr.driver.get_info(instance).state
    except exception.InstanceNotFound:
        return power_state.NOSTATE


def _interrupted(mgr, ctxt, instance, error):
    """Clear the task; ERROR with a fault when the outcome is unknown
    (``error``) or the guest is gone."""
    task = instance.task_state
    instance.power_state = _power_state(mgr, instance)
    if instance.power_state == power_state.NOSTATE and \
            instance.vm_state not in (vm_states.SHELVED_OFFLOADED,):
        error = True
    LOG.info('Task %s of instance %s interrupted by a restart: %s',
             task, instance.uuid, 'ERROR' if error else 'cleared')
    if error:
        compute_utils.add_instance_fault_from_exc(
            ctxt, instance, OperationInterrupted(task=task, host=mgr.host),
            host=mgr.host)
        instance.vm_state = vm_states.ERROR
    instance.task_state = None
    instance.save()


def _recover_live_migration(mgr, ctxt, instance):
    """The source restarted mid live migration: the guest never left."""
    found = objects.MigrationList.get_by_filters(ctxt, {
        'instance_uuid': instance.uuid, 'migration_type': 'live-migration',
        'status': ['accepted', 'queued', 'preparing', 'running']})
    for migration in found:
        try:
            mgr.reportclient.delete_allocation_for_instance(ctxt,
                                                            instance.uuid)
            mgr.reportclient.move_allocations(ctxt, migration.uuid,
                                              instance.uuid)
        except Exception:
            LOG.exception('Could not give the allocation of migration %s '
                          'back to %s', migration.uuid, instance.uuid)
        migration.status = 'error'
        migration.save()
        if not migration.dest_compute:
            continue
        try:
            mgr.compute_rpcapi.rollback_live_migration_at_destination(
                ctxt, instance, host=migration.dest_compute)
        except Exception:
            LOG.exception('Could not ask %s to roll back %s',
                          migration.dest_compute, instance.uuid)
    compute_utils.add_instance_fault_from_exc(
        ctxt, instance, OperationInterrupted(task=_('live migration'),
                                             host=mgr.host),
        host=mgr.host)
    _interrupted(mgr, ctxt, instance, error=False)
