"""Resize and cold migration, on the compute side.

The conductor has created the Migration, moved the source allocation to
the migration's uuid and had the scheduler claim the new flavor on the
destination for the instance. Then::

    dest   prep_resize       claim locally, remember old/new flavor
    source resize_instance   power off, "migrate the disk"
    dest   finish_resize     new flavor, host = dest, guest started:
                             vm_state resized (VERIFY_RESIZE)
    source confirm_resize    source guest removed, migration's
                             allocation deleted: the server stays
    dest   revert_resize     dest guest removed, allocation back to the
    source finish_revert_resize   source with the old flavor; guest back

Migration status: pre-migrating -> migrating -> post-migrating ->
finished -> confirmed | reverted (error on failure).

On a failure before the guest left the source, everything goes back to
the source (allocation included) and the server keeps its vm_state, or
goes to ERROR when the driver may have stopped it. A failure in
finish_resize leaves the server in ERROR on the destination, which holds
its allocation; the migration's source allocation is removed. Either
way Placement holds exactly what the instance row says.
"""

import datetime
import sys

from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova import exception, notifications, objects
from nova.compute import power_state, task_states, vm_states
from nova.compute import utils as compute_utils
from nova.i18n import _

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

OLD_VM_STATE = 'old_vm_state'


def _driver_power_state(mgr, instance):
    try:
        return mgr.driver.get_info(instance).state
    except Exception:  # noqa: BLE001 - no guest, or a failing driver
        return power_state.NOSTATE


def apply_flavor(instance, flavor):
    """Make ``flavor`` the instance's flavor, columns included."""
    instance.flavor = flavor
    instance.instance_type_id = flavor.id
    instance.vcpus = flavor.vcpus
    instance.memory_mb = flavor.memory_mb
    instance.root_gb = flavor.root_gb
    instance.ephemeral_gb = flavor.ephemeral_gb


def _old_vm_state(instance):
    meta = instance.system_metadata or {}
    return meta.get(OLD_VM_STATE) or vm_states.ACTIVE


def _notify(mgr, ctxt, instance, action, phase, exc=None):
    notifications.notify_about_instance_action(
        ctxt, instance, mgr.host, action, phase, exception=exc)


def _fault(mgr, ctxt, instance, step, exc, exc_info):
    detail = compute_utils.exception_to_fault(exc)[1]
    compute_utils.add_instance_fault_from_exc(
        ctxt, instance, exc, exc_info,
        fault_message=_('%(step)s failed on host %(host)s: %(detail)s') % {
            'step': step, 'host': mgr.host, 'detail': detail},
        host=mgr.host)


def _set_migration_status(migration, status):
    migration.status = status
    try:
        migration.save()
    except Exception:
        LOG.exception('Could not set migration %s to %s', migration.uuid,
                      status)


def _save_quietly(instance):
    try:
        instance.save()
    except exception.InstanceNotFound:
        LOG.info('Instance %s was deleted meanwhile', instance.uuid)


def _back_to_source(mgr, ctxt, instance, migration):
    """The destination's allocation dropped, the source's given back to
    the instance."""
    try:
        mgr.reportclient.delete_allocation_for_instance(ctxt, instance.uuid)
        mgr.reportclient.move_allocations(ctxt, migration.uuid,
                                          instance.uuid)
    except Exception:
        LOG.exception('Could not give the source allocation of migration '
                      '%s back to instance %s', migration.uuid,
                      instance.uuid)


def _abort(mgr, ctxt, instance, migration, step, exc, exc_info, error):
    """The move stops before the guest left the source."""
    LOG.error('%s of instance %s failed on %s: %s', step, instance.uuid,
              mgr.host, exc)
    _notify(mgr, ctxt, instance, 'resize', 'error', exc)
    _fault(mgr, ctxt, instance, step, exc, exc_info)
    _back_to_source(mgr, ctxt, instance, migration)
    _set_migration_status(migration, 'error')
    instance.new_flavor = None
    instance.old_flavor = None
    if error:
        instance.power_state = _driver_power_state(mgr, instance)
        instance.vm_state = vm_states.ERROR
    instance.task_state = None
    _save_quietly(instance)


# -- destination: prepare ------------------------------------------------

def prep_resize(mgr, ctxt, instance, flavor, migration, node):
    with mgr.instance_lock(instance.uuid):
        try:
            with compute_utils.EventReporter(ctxt, 'compute_prep_resize',
                                             mgr.host, instance.uuid):
                _notify(mgr, ctxt, instance, 'resize_prep', 'start')
                claim = mgr.rt.move_claim(ctxt, instance, flavor, node,
                                          migration.uuid)
                with claim:
                    meta = dict(instance.system_metadata or {})
                    meta[OLD_VM_STATE] = instance.vm_state
                    instance.system_metadata = meta
                    instance.old_flavor = instance.flavor
                    instance.new_flavor = flavor
                    instance.save(
                        expected_task_state=task_states.RESIZE_PREP)
                _notify(mgr, ctxt, instance, 'resize_prep', 'end')
        except Exception as exc:  # noqa: BLE001 - any failure ends the move
            _abort(mgr, ctxt, instance, migration,
                   _('Preparing the resize'), exc, sys.exc_info(),
                   error=False)
            return
    mgr.compute_rpcapi.resize_instance(ctxt, instance, flavor, migration)


# -- source: power off and send the disk ---------------------------------

def resize_instance(mgr, ctxt, instance, flavor, migration):
    with mgr.instance_lock(instance.uuid):
        try:
            with compute_utils.EventReporter(ctxt,
                                             'compute_resize_instance',
                                             mgr.host, instance.uuid):
                _notify(mgr, ctxt, instance, 'resize', 'start')
                _set_migration_status(migration, 'migrating')
                instance.task_state = task_states.RESIZE_MIGRATING
                instance.save(expected_task_state=task_states.RESIZE_PREP)
                network_info = mgr.network_api.get_instance_nw_info(
                    ctxt, instance)
                disk_info = mgr.driver.migrate_disk_and_power_off(
                    ctxt, instance, migration.dest_host, flavor,
                    network_info, timeout=mgr.shutdown_timeout)
                _set_migration_status(migration, 'post-migrating')
                instance.power_state = power_state.SHUTDOWN
                instance.task_state = task_states.RESIZE_MIGRATED
                instance.save(
                    expected_task_state=task_states.RESIZE_MIGRATING)
                _notify(mgr, ctxt, instance, 'resize', 'end')
        except Exception as exc:  # noqa: BLE001 - any failure ends the move
            # The guest may be stopped or half-moved: ERROR on the source.
            _abort(mgr, ctxt, instance, migration,
                   _('Migrating the disk'), exc, sys.exc_info(), error=True)
            return
    mgr.compute_rpcapi.finish_resize(ctxt, instance, migration, disk_info)


# -- destination: start the guest ------------------------------------------

def finish_resize(mgr, ctxt, instance, migration, disk_info):
    with mgr.instance_lock(instance.uuid):
        try:
            with compute_utils.EventReporter(ctxt, 'compute_finish_resize',
                                             mgr.host, instance.uuid):
                _notify(mgr, ctxt, instance, 'resize_finish', 'start')
                # The row moves first: from here on the instance (and its
                # allocation) is the destination's, whatever happens.
                apply_flavor(instance, instance.new_flavor)
                instance.host = mgr.host
                instance.node = migration.dest_node
                instance.task_state = task_states.RESIZE_FINISH
                instance.save(
                    expected_task_state=task_states.RESIZE_MIGRATED)
                mgr.rt.finish_move_claim(migration.uuid, instance.uuid,
                                         migration.dest_node)
                network_info = mgr.network_api.get_instance_nw_info(
                    ctxt, instance)
                power_on = _old_vm_state(instance) != vm_states.STOPPED
                allocations = mgr.reportclient.get_allocations_for_consumer(
                    ctxt, instance.uuid)
                mgr.driver.finish_migration(
                    ctxt, migration, instance, disk_info, network_info,
                    None, migration.migration_type == 'resize',
                    allocations, power_on=power_on)
                _set_migration_status(migration, 'finished')
                instance.power_state = _driver_power_state(mgr, instance)
                instance.vm_state = vm_states.RESIZED
                instance.task_state = None
                instance.launched_at = timeutils.utcnow()
                instance.save(expected_task_state=task_states.RESIZE_FINISH)
                _notify(mgr, ctxt, instance, 'resize_finish', 'end')
        except Exception as exc:  # noqa: BLE001 - any failure ends the move
            LOG.error('Finishing the resize of %s failed on %s: %s',
                      instance.uuid, mgr.host, exc)
            _notify(mgr, ctxt, instance, 'resize_finish', 'error', exc)
            _fault(mgr, ctxt, instance, _('Finishing the resize'), exc,
                   sys.exc_info())
            try:
                mgr.reportclient.delete_allocation_for_instance(
                    ctxt, migration.uuid)
            except Exception:
                LOG.exception('Could not remove the source allocation of '
                              'migration %s', migration.uuid)
            _set_migration_status(migration, 'error')
            instance.power_state = _driver_power_state(mgr, instance)
            instance.vm_state = vm_states.ERROR
            instance.task_state = None
            _save_quietly(instance)


# -- confirm (source) ----------------------------------------------------

def confirm_resize(mgr, ctxt, instance, migration):
    with mgr.instance_lock(instance.uuid):
        try:
            with compute_utils.EventReporter(ctxt, 'compute_confirm_resize',
                                             mgr.host, instance.uuid):
                _notify(mgr, ctxt, instance, 'resize_confirm', 'start')
                # Also on one host: the driver may have kept the source's
                # files for a revert (libvirt's <uuid>_resize).
                network_info = mgr.network_api.get_instance_nw_info(
                    ctxt, instance)
                mgr.driver.confirm_migration(ctxt, migration, instance,
                                             network_info)
                mgr.reportclient.delete_allocation_for_instance(
                    ctxt, migration.uuid)
                _set_migration_status(migration, 'confirmed')
                instance.refresh()
                instance.old_flavor = None
                instance.new_flavor = None
                meta = dict(instance.system_metadata or {})
                meta.pop(OLD_VM_STATE, None)
                instance.system_metadata = meta
                instance.vm_state = vm_states.STOPPED \
                    if instance.power_state == power_state.SHUTDOWN \
                    else vm_states.ACTIVE
                instance.task_state = None
                instance.save(expected_vm_state=[vm_states.RESIZED])
                _notify(mgr, ctxt, instance, 'resize_confirm', 'end')
        except Exception as exc:  # noqa: BLE001 - any failure ends the move
            LOG.error('Confirming the resize of %s failed on %s: %s',
                      instance.uuid, mgr.host, exc)
            _fault(mgr, ctxt, instance, _('Confirming the resize'), exc,
                   sys.exc_info())
            _set_migration_status(migration, 'error')
            instance.vm_state = vm_states.ERROR
            instance.task_state = None
            _save_quietly(instance)


# -- revert (destination, then source) -----------------------------------

def _revert_failed(mgr, ctxt, instance, migration, exc, exc_info):
    LOG.error('Reverting the resize of %s failed on %s: %s', instance.uuid,
              mgr.host, exc)
    _notify(mgr, ctxt, instance, 'resize_revert', 'error', exc)
    _fault(mgr, ctxt, instance, _('Reverting the resize'), exc, exc_info)
    _set_migration_status(migration, 'error')
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    _save_quietly(instance)


def revert_resize(mgr, ctxt, instance, migration):
    with mgr.instance_lock(instance.uuid):
        try:
            with compute_utils.EventReporter(ctxt, 'compute_revert_resize',
                                             mgr.host, instance.uuid):
                _notify(mgr, ctxt, instance, 'resize_revert', 'start')
                network_info = mgr.network_api.get_instance_nw_info(
                    ctxt, instance)
                mgr.driver.destroy(ctxt, instance, network_info,
                                   destroy_disks=True)
                if migration.source_compute != migration.dest_compute:
                    mgr.rt.update_usage_on_delete(instance)
                # The instance's allocation becomes the source's again.
                mgr.reportclient.move_allocations(ctxt, migration.uuid,
                                                  instance.uuid)
        except Exception as exc:  # noqa: BLE001 - any failure ends the move
            _revert_failed(mgr, ctxt, instance, migration, exc,
                           sys.exc_info())
            return
    mgr.compute_rpcapi.finish_revert_resize(ctxt, instance, migration)


def finish_revert_resize(mgr, ctxt, instance, migration):
    with mgr.instance_lock(instance.uuid):
        try:
            with compute_utils.EventReporter(
                    ctxt, 'compute_finish_revert_resize', mgr.host,
                    instance.uuid):
                instance.refresh()
                old_vm_state = _old_vm_state(instance)
                apply_flavor(instance, instance.old_flavor)
                instance.old_flavor = None
                instance.new_flavor = None
                meta = dict(instance.system_metadata or {})
                meta.pop(OLD_VM_STATE, None)
                instance.system_metadata = meta
                instance.host = mgr.host
                instance.node = migration.source_node
                instance.save()
                network_info = mgr.network_api.get_instance_nw_info(
                    ctxt, instance)
                mgr.driver.finish_revert_migration(
                    ctxt, instance, network_info, migration,
                    power_on=old_vm_state != vm_states.STOPPED)
                _set_migration_status(migration, 'reverted')
                instance.power_state = _driver_power_state(mgr, instance)
                instance.vm_state = old_vm_state
                instance.task_state = None
                instance.save(
                    expected_task_state=task_states.RESIZE_REVERTING)
                _notify(mgr, ctxt, instance, 'resize_revert', 'end')
        except Exception as exc:  # noqa: BLE001 - any failure ends the move
            _revert_failed(mgr, ctxt, instance, migration, exc,
                           sys.exc_info())


# -- periodic: confirm what waited too long -------------------------------

def confirm_expired_resizes(mgr, ctxt):
    """Confirm the moves to this host that have waited in VERIFY_RESIZE
    longer than ``resize_confirm_window``; how many were confirmed."""
    window = CONF.resize_confirm_window
    if window <= 0:
        return 0
    before = timeutils.utcnow() - datetime.timedelta(seconds=window)
    migrations = objects.MigrationList.get_by_filters(ctxt, {
        'dest_compute': mgr.host, 'status': 'finished',
        'updated_before': before})
    confirmed = 0
    for migration in migrations:
        try:
            instance = objects.Instance.get_by_uuid(
                ctxt, migration.instance_uuid,
                expected_attrs=['system_metadata', 'flavor'])
        except exception.InstanceNotFound:
            _set_migration_status(migration, 'error')
            continue
        if instance.vm_state != vm_states.RESIZED or instance.task_state:
            continue
        LOG.info('Confirming the resize of %s: it waited more than %ss',
                 instance.uuid, window)
        _set_migration_status(migration, 'confirming')
        objects.InstanceAction.action_start(ctxt, instance.uuid,
                                            'confirmResize',
                                            want_result=False)
        mgr.compute_rpcapi.confirm_resize(ctxt, instance, migration)
        confirmed += 1
    return confirmed


# -- delete of a server in the middle of a move ------------------------------

_OPEN_STATUSES = ('pre-migrating', 'migrating', 'post-migrating',
                  'finished', 'confirming', 'reverting')


def drop_move_allocations(reportclient, ctxt, instance_uuid):
    """The server is being deleted: the source allocations its open
    migrations hold go too (nothing will confirm or revert them)."""
    migrations = objects.MigrationList.get_by_filters(
        ctxt, {'instance_uuid': instance_uuid, 'status': _OPEN_STATUSES})
    for migration in migrations:
        try:
            reportclient.delete_allocation_for_instance(ctxt,
                                                        migration.uuid)
        except Exception:
            LOG.exception('Could not remove the allocations of migration '
                          '%s of deleted instance %s', migration.uuid,
                          instance_uuid)
        _set_migration_status(migration, 'error')


# -- a move cut off (restart or deadline) -------------------------------------

# Statuses of a migration still on its way (neither stable nor final).
IN_PROGRESS_STATUSES = ('accepted', 'queued', 'preparing', 'running',
                        'pre-migrating', 'migrating', 'post-migrating',
                        'confirming', 'reverting')


def end_cut_off_moves(reportclient, ctxt, instance):
    """The moves of ``instance`` stopped before they finished (a restart,
    a deadline): their migrations end in 'error' and Placement keeps one
    allocation, on the host the instance row names (where its guest is
    expected): the source's is given back if the instance never left it,
    else the source's (the migration's) is dropped."""
    migrations = objects.MigrationList.get_by_filters(
        ctxt, {'instance_uuid': instance.uuid,
               'status': IN_PROGRESS_STATUSES})
    for migration in migrations:
        try:
            if instance.host == migration.source_compute:
                reportclient.delete_allocation_for_instance(ctxt,
                                                            instance.uuid)
                reportclient.move_allocations(ctxt, migration.uuid,
                                              instance.uuid)
            else:
                reportclient.delete_allocation_for_instance(
                    ctxt, migration.uuid)
        except Exception:
            LOG.exception('Could not settle the allocations of migration '
                          '%s of instance %s', migration.uuid, instance.uuid)
        _set_migration_status(migration, 'error')
    return len(migrations)
