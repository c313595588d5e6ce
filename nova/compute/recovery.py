"""Ending a task that no operation will finish: at start-up (a crash of
nova-compute cut it off) and when it stalled (:mod:`nova.compute.stalled`).

An instance left ``building`` (its build thread is gone) is built again
here, once, from its request spec; if it cannot be (no spec, or already
re-driven once) it goes to ERROR with a fault. One left ``deleting`` is deleted.
A live migration left running is rolled back (the guest is still here):
its migration ends in 'error', the instance keeps its vm_state and gets
its allocation back, with a fault. A resize, migration or rebuild cut in
the middle leaves disks in an unknown state: ERROR with a fault naming
it. Any other task in progress is cleared and the power state re-read;
without a guest left the instance goes to ERROR with a fault.

``why`` is the cause as the fault tells it, e.g. "the compute service on
host h1 restarted".
"""

from oslo_log import log as logging

from nova import exception, objects
from nova.compute import (
    build,
    delete,
    power_state,
    resize,
    task_states,
    vm_states,
)
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
    from nova.compute import live_migration
    try:
        live_migration.finish_at_start(mgr, ctxt)
    except Exception:
        LOG.exception('Could not finish the live migrations that arrived '
                      'at %s', mgr.host)
    why = restarted(mgr.host)
    redrives = []
    for instance in objects.InstanceList.get_by_host(
            ctxt, mgr.host, expected_attrs=['system_metadata']):
        try:
            end_task(mgr, ctxt, instance, why, redrives=redrives)
        except Exception:
            LOG.exception('Could not recover instance %s', instance.uuid)
    return redrives


def start_redrives(mgr, ctxt, redrives):
    """Start the builds :func:`recover_instances` re-drives, once the
    resource tracker knows the host."""
    for instance, request in redrives:
        mgr._submit(instance, build.build_and_run_instance,
                    instance._context, mgr, instance._context, instance,
                    request)


def _in_create_action(ctxt, instance):
    """A context whose request id is the instance's ``create`` action's,
    so that the build's events join the action the user sees."""
    actions = objects.InstanceActionList.get_by_instance_uuid(
        ctxt, instance.uuid)
    creates = [a for a in actions if a.action == 'create']
    redrive_ctxt = ctxt.elevated()
    if creates:
        redrive_ctxt.request_id = creates[-1].request_id
    else:
        objects.InstanceAction.action_start(redrive_ctxt, instance.uuid,
                                            'create', want_result=False)
    instance._context = redrive_ctxt
    return redrive_ctxt


def restarted(host):
    return _('the compute service on host %s restarted') % host


def end_task(mgr, ctxt, instance, why, redrives=None):
    """End the task (or build) of ``instance``, which nothing will finish.
    A re-driven build is started at once, or appended to ``redrives``
    as (instance, request) for the caller to start."""
    if instance.task_state == task_states.DELETING:
        LOG.info('Finishing the interrupted delete of %s', instance.uuid)
        delete.terminate_instance(mgr, ctxt, instance)
    elif instance.vm_state == vm_states.BUILDING:
        _undo_partial_build(mgr, ctxt, instance)
        if _redrive_build(mgr, ctxt, instance, why, redrives):
            return
        LOG.warning('Build of instance %s on %s cannot finish (%s); setting '
                    'it to ERROR', instance.uuid, mgr.host, why)
        exc = exception.BuildAbortException(
            instance_uuid=instance.uuid,
            reason=_('%s while the instance was building; delete the '
                     'server and create it again') % why)
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
        _recover_live_migration(mgr, ctxt, instance, why)
    elif instance.task_state in _UNSAFE_TASKS:
        if instance.task_state in _MOVE_TASKS:
            resize.end_cut_off_moves(mgr.reportclient, ctxt, instance)
        _interrupted(mgr, ctxt, instance, why, error=True)
    elif instance.task_state is not None:
        _interrupted(mgr, ctxt, instance, why, error=False)


def _undo_partial_build(mgr, ctxt, instance):
    try:
        network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
        mgr.driver.destroy(ctxt, instance, network_info)
        mgr.network_api.deallocate_for_instance(ctxt, instance)
    except Exception:
        LOG.exception('Could not clean up the build of %s', instance.uuid)


def _redrive_build(mgr, ctxt, instance, why, redrives):
    """Start the cut-off build of ``instance`` again on this host, from
    what the DBs hold (its request spec and image; the admin password and
    injected files of the request are not kept), keeping the allocation it
    holds here. Once per instance; False when it cannot be."""
    if compute_utils.was_redriven(instance):
        return False
    try:
        spec = objects.RequestSpec.get_by_instance_uuid(ctxt, instance.uuid)
    except exception.RequestSpecNotFound:
        return False
    image = compute_utils.build_image(spec, instance)
    LOG.warning('Build of instance %s on %s was cut off (%s); starting it '
                'again', instance.uuid, mgr.host, why)
    expected = instance.task_state
    compute_utils.mark_redriven(instance)
    instance.task_state = task_states.SCHEDULING
    try:
        instance.save(expected_task_state=[expected])
    except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
        return True     # something else took it over meanwhile
    request = build.BuildRequestArgs(
        image=image, request_spec=spec, filter_properties={},
        node=instance.node or mgr.host, host_list=None)
    ctxt = _in_create_action(ctxt, instance)
    if redrives is not None:
        redrives.append((instance, request))
    else:
        start_redrives(mgr, ctxt, [(instance, request)])
    return True


# A resize or cold migration on its way: its migration is open.
_MOVE_TASKS = (task_states.RESIZE_PREP, task_states.RESIZE_MIGRATING,
               task_states.RESIZE_MIGRATED, task_states.RESIZE_FINISH)
# Tasks that leave disks or the guest half moved or half rebuilt.
_UNSAFE_TASKS = (task_states.RESIZE_PREP, task_states.RESIZE_MIGRATING,
                 task_states.RESIZE_MIGRATED, task_states.RESIZE_FINISH,
                 task_states.RESIZE_REVERTING, task_states.REBUILDING,
                 task_states.REBUILD_BLOCK_DEVICE_MAPPING,
                 task_states.REBUILD_SPAWNING, task_states.UNSHELVING,
                 task_states.SHELVING_OFFLOADING)


class OperationInterrupted(exception.NovaException):
    msg_fmt = _('The %(task)s of this server was cut off: %(why)s.')


def _power_state(mgr, instance):
    try:
        return mgr.driver.get_info(instance).state
    except exception.InstanceNotFound:
        return power_state.NOSTATE


def _interrupted(mgr, ctxt, instance, why, error, task_name=None):
    """Clear the task, with a fault saying why; ERROR when the outcome is
    unknown (``error``) or the guest is gone."""
    task = instance.task_state
    instance.power_state = _power_state(mgr, instance)
    if instance.power_state == power_state.NOSTATE and \
            instance.vm_state not in (vm_states.SHELVED_OFFLOADED,):
        error = True
    LOG.info('Task %s of instance %s cut off (%s): %s', task, instance.uuid,
             why, 'ERROR' if error else 'cleared')
    compute_utils.add_instance_fault_from_exc(
        ctxt, instance, OperationInterrupted(task=task_name or task, why=why),
        host=mgr.host)
    if error:
        instance.vm_state = vm_states.ERROR
    instance.task_state = None
    # Only if the task is still the one we end: an operation that started
    # meanwhile keeps its own.
    instance.save(expected_task_state=[task])


def _recover_live_migration(mgr, ctxt, instance, why):
    """The source's live migration was cut off: the guest never left."""
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
    _interrupted(mgr, ctxt, instance, why, error=False,
                 task_name=_('live migration'))
