"""Live migration, on the compute side.

The conductor has created the Migration (type ``live-migration``), moved
the source allocation to the migration's uuid, claimed the destination
for the instance and run the checks (destination, then source). Then::

    source live_migration      (a pool thread: it may run long)
      dest   pre_live_migration                      'preparing'
      source driver.live_migration                   'running'
      on success: source driver.post_live_migration (local cleanup),
        dest post_live_migration_at_destination: host/node updated,
        vm_state unchanged, task_state None; the migration's source
        allocation deleted                           'completed'
      on failure (or abort): dest rollback_live_migration_at_destination,
        the destination allocation dropped and the source one given back
        to the instance, which stays on the source with a fault
                                                     'error' / 'cancelled'

Force complete and abort reach the source while the driver is running.
While it runs, the driver's copy progress is saved on the migration
(memory_* and disk_* bytes, shown by GET /servers/{id}/migrations).
"""

import contextlib
import sys
import threading

import oslo_messaging as messaging
from oslo_log import log as logging

from nova import exception, notifications, objects
from nova.compute import power_state, task_states, vm_states
from nova.compute import utils as compute_utils
from nova.i18n import _

LOG = logging.getLogger(__name__)

EVENT = 'compute_live_migration'

# Seconds between two readings of the driver's copy progress.
PROGRESS_INTERVAL = 1.0


class MigrationPreCheckError(exception.NovaException):
    msg_fmt = _('The live migration cannot start: %(reason)s')


class LiveMigrationFailed(exception.NovaException):
    msg_fmt = _('The live migration failed: %(reason)s')


def _nw_info(mgr, ctxt, instance):
    try:
        return mgr.network_api.get_instance_nw_info(ctxt, instance)
    except Exception:  # the drivers cope without it
        LOG.warning('No network info for %s', instance.uuid, exc_info=True)
        return None


def _power_state(mgr, instance):
    try:
        return mgr.driver.get_info(instance).state
    except Exception:  # noqa: BLE001 - no guest here
        return power_state.NOSTATE


def _notify(mgr, ctxt, instance, action, phase):
    notifications.notify_about_instance_action(ctxt, instance, mgr.host,
                                               action, phase)


def _set_status(migration, status):
    migration.status = status
    try:
        migration.save()
    except Exception:
        LOG.exception('Could not set migration %s to %s', migration.uuid,
                      status)


# -- checks (calls from the conductor) -------------------------------------

def check_destination(mgr, ctxt, instance, block_migration):
    """On the destination; then the source's check; the migrate data."""
    try:
        dest_data = mgr.driver.check_can_live_migrate_destination(
            ctxt, instance, block_migration=block_migration)
    except NotImplementedError:
        raise MigrationPreCheckError(
            reason=_('the driver of host %s cannot live migrate.')
            % mgr.host)
    return mgr.compute_rpcapi.check_can_live_migrate_source(
        ctxt, instance, dest_data)


def check_source(mgr, ctxt, instance, dest_data):
    try:
        return mgr.driver.check_can_live_migrate_source(ctxt, instance,
                                                        dest_data)
    except NotImplementedError:
        raise MigrationPreCheckError(
            reason=_('the driver of host %s cannot live migrate.')
            % mgr.host)


# -- source ----------------------------------------------------------------

def live_migration(mgr, ctxt, instance, dest, migration, block_migration,
                   migrate_data):
    outcome = {}

    def post_method(context, inst, dest_host, block):
        outcome['done'] = True

    def recover_method(context, inst, dest_host, exc=None):
        outcome['error'] = exc

    try:
        with compute_utils.EventReporter(ctxt, EVENT, mgr.host,
                                         instance.uuid):
            _set_status(migration, 'preparing')
            migrate_data = mgr.compute_rpcapi.pre_live_migration(
                ctxt, instance, migrate_data, host=dest)
            if migration.id in mgr.aborted_live_migrations:
                raise LiveMigrationFailed(reason=_('an admin aborted it.'))
            _set_status(migration, 'running')
            with _progress_recorded(mgr, ctxt, instance, migration):
                mgr.driver.live_migration(
                    ctxt, instance, dest, post_method, recover_method,
                    block_migration=block_migration,
                    migrate_data=migrate_data)
            # An abort that came before the driver's copy started ends
            # it as well (the guest has not left: post was not run yet).
            if migration.id in mgr.aborted_live_migrations:
                raise LiveMigrationFailed(reason=_('an admin aborted it.'))
            if 'error' in outcome or not outcome.get('done'):
                exc = outcome.get('error')
                raise LiveMigrationFailed(
                    reason=str(exc) if exc else _('the driver gave up.'))
    except Exception as exc:  # noqa: BLE001 - any failure rolls back
        aborted = migration.id in mgr.aborted_live_migrations
        mgr.aborted_live_migrations.discard(migration.id)
        rollback(mgr, ctxt, instance, dest, migration, exc, sys.exc_info(),
                 'cancelled' if aborted else 'error')
        return
    _post(mgr, ctxt, instance, dest, migration, migrate_data)


@contextlib.contextmanager
def _progress_recorded(mgr, ctxt, instance, migration):
    """Save the driver's copy progress on the migration every
    PROGRESS_INTERVAL seconds while the block runs, and once after."""
    done = threading.Event()
    watcher = threading.Thread(
        target=_watch_progress, name=f'progress-{instance.uuid}',
        args=(mgr, ctxt, instance, migration.id, done), daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        _record_progress(mgr, ctxt, instance, migration.id)


def _watch_progress(mgr, ctxt, instance, migration_id, done):
    while not done.wait(PROGRESS_INTERVAL):
        _record_progress(mgr, ctxt, instance, migration_id)


def _record_progress(mgr, ctxt, instance, migration_id):
    try:
        figures = mgr.driver.live_migration_progress(instance)
        if not figures:
            return
        # A copy of its own: the migrating thread saves the status.
        progress = objects.Migration(ctxt, id=migration_id)
        for name in objects.migration.PROGRESS_FIELDS:
            if figures.get(name) is not None:
                setattr(progress, name, int(figures[name]))
        progress.save()
    except Exception:
        LOG.warning('Could not record the progress of the live migration '
                    'of %s', instance.uuid, exc_info=True)


def _post(mgr, ctxt, instance, dest, migration, migrate_data):
    """The guest runs on the destination: clean up here, move the
    instance there, drop the source allocation."""
    _notify(mgr, ctxt, instance, 'live_migration_post', 'start')
    try:
        mgr.driver.post_live_migration(ctxt, instance, migrate_data)
    except Exception:
        LOG.exception('Could not clean up %s on %s after its live '
                      'migration', instance.uuid, mgr.host)
    # From here the guest runs on the destination only.
    _set_status(migration, 'post-migrating')
    try:
        mgr.compute_rpcapi.post_live_migration_at_destination(
            ctxt, instance, migration.dest_node, host=dest)
    except Exception as exc:  # noqa: BLE001 - the instance moves anyway
        _destination_did_not_finish(mgr, ctxt, instance, dest, migration,
                                    exc, sys.exc_info())
        return
    try:
        mgr.reportclient.delete_allocation_for_instance(ctxt,
                                                        migration.uuid)
    except Exception:
        LOG.exception('Could not delete the source allocation of '
                      'migration %s', migration.uuid)
    _set_status(migration, 'completed')
    _notify(mgr, ctxt, instance, 'live_migration_post', 'end')
    LOG.info('Live migration of %s: %s -> %s done', instance.uuid,
             mgr.host, dest)


def _destination_did_not_finish(mgr, ctxt, instance, dest, migration, exc,
                                exc_info):
    """The guest left this host but the destination did not take the
    instance over. The row follows the guest. A destination that did not
    answer (down, restarting) finishes its part when it starts (the
    migration stays 'post-migrating', see :func:`finish_at_start`); one
    that failed puts the instance in ERROR with the reason."""
    unanswered = isinstance(exc, messaging.MessagingTimeout)
    LOG.error('Host %s %s the live migration of %s; the instance is '
              'moved there', dest,
              'did not answer to finish' if unanswered else 'failed to finish',
              instance.uuid, exc_info=exc_info)
    instance.host = dest
    instance.node = migration.dest_node
    instance.task_state = None
    if not unanswered:
        instance.vm_state = vm_states.ERROR
        compute_utils.add_instance_fault_from_exc(
            ctxt, instance, exc, exc_info,
            fault_message=_('Live migration to %(dest)s could not be '
                            'finished there: %(detail)s') % {
                'dest': dest,
                'detail': compute_utils.exception_to_fault(exc)[1]},
            host=mgr.host)
    try:
        instance.save(expected_task_state=[task_states.MIGRATING])
    except (exception.UnexpectedTaskStateError,
            exception.InstanceNotFound):
        LOG.warning('Instance %s changed meanwhile; leaving it', instance.uuid)
    try:
        mgr.reportclient.delete_allocation_for_instance(ctxt,
                                                        migration.uuid)
    except Exception:
        LOG.exception('Could not delete the source allocation of '
                      'migration %s', migration.uuid)
    if not unanswered:
        _set_status(migration, 'error')


def finish_at_start(mgr, ctxt, updated_before=None):
    """At start-up of a destination (and, for those older than
    ``updated_before``, at its stalled-task pass): finish the live
    migrations whose guest arrived here while this service was away (the
    source moved the instance row here and left the migration
    'post-migrating')."""
    filters = {'dest_compute': mgr.host, 'migration_type': 'live-migration',
               'status': 'post-migrating'}
    if updated_before is not None:
        filters['updated_before'] = updated_before
    migrations = objects.MigrationList.get_by_filters(ctxt, filters)
    for migration in migrations:
        try:
            instance = objects.Instance.get_by_uuid(ctxt,
                                                    migration.instance_uuid)
        except exception.InstanceNotFound:
            _set_status(migration, 'error')
            continue
        if instance.host != mgr.host or instance.task_state is not None:
            continue    # the source still owns it, or it moved on
        LOG.info('Finishing the live migration of %s that arrived while '
                 'this service was away', instance.uuid)
        try:
            mgr.driver.post_live_migration_at_destination(
                ctxt, instance, _nw_info(mgr, ctxt, instance))
            instance.power_state = _power_state(mgr, instance)
            instance.save()
            _set_status(migration, 'completed')
        except Exception as exc:
            LOG.exception('Could not finish the live migration of %s',
                          instance.uuid)
            compute_utils.add_instance_fault_from_exc(
                ctxt, instance, exc, sys.exc_info(), host=mgr.host)
            instance.vm_state = vm_states.ERROR
            instance.save()
            _set_status(migration, 'error')


def rollback(mgr, ctxt, instance, dest, migration, exc, exc_info, status):
    """The instance stays here with its allocation; a fault says why
    (unless an admin aborted it)."""
    _notify(mgr, ctxt, instance, 'live_migration_rollback', 'start')
    LOG.warning('Live migration of %s to %s ends %s: %s', instance.uuid,
                dest, status, exc)
    try:
        mgr.compute_rpcapi.rollback_live_migration_at_destination(
            ctxt, instance, host=dest)
    except Exception:
        LOG.exception('Could not ask %s to roll back %s', dest,
                      instance.uuid)
    try:
        mgr.reportclient.delete_allocation_for_instance(ctxt, instance.uuid)
        mgr.reportclient.move_allocations(ctxt, migration.uuid,
                                          instance.uuid)
    except Exception:
        LOG.exception('Could not give the source allocation of migration '
                      '%s back to %s', migration.uuid, instance.uuid)
    _set_status(migration, status)
    if status == 'error':
        detail = compute_utils.exception_to_fault(exc)[1]
        compute_utils.add_instance_fault_from_exc(
            ctxt, instance, exc, exc_info,
            fault_message=_('Live migration from %(src)s to %(dest)s '
                            'failed: %(detail)s') % {
                'src': mgr.host, 'dest': dest, 'detail': detail},
            host=mgr.host)
    instance.task_state = None
    instance.power_state = _power_state(mgr, instance)
    try:
        instance.save()
    except exception.InstanceNotFound:
        return
    _notify(mgr, ctxt, instance, 'live_migration_rollback', 'end')


def force_complete(mgr, ctxt, instance):
    _notify(mgr, ctxt, instance, 'live_migration_force_complete', 'start')
    mgr.driver.live_migration_force_complete(instance)
    _notify(mgr, ctxt, instance, 'live_migration_force_complete', 'end')


def abort(mgr, ctxt, instance, migration_id):
    """Stop the driver's copy, or (queued, preparing) keep it from
    starting: the flag makes the source roll back either way."""
    _notify(mgr, ctxt, instance, 'live_migration_abort', 'start')
    mgr.aborted_live_migrations.add(migration_id)
    try:
        mgr.driver.live_migration_abort(instance)
    except exception.Invalid:
        LOG.info('Live migration %s of %s aborted before the copy',
                 migration_id, instance.uuid)
    _notify(mgr, ctxt, instance, 'live_migration_abort', 'end')


# -- destination -----------------------------------------------------------

def pre_live_migration(mgr, ctxt, instance, migrate_data):
    _notify(mgr, ctxt, instance, 'live_migration_pre', 'start')
    migrate_data = mgr.driver.pre_live_migration(
        ctxt, instance, _nw_info(mgr, ctxt, instance), migrate_data)
    _notify(mgr, ctxt, instance, 'live_migration_pre', 'end')
    return migrate_data


def post_at_destination(mgr, ctxt, instance, node):
    _notify(mgr, ctxt, instance, 'live_migration_post_dest', 'start')
    mgr.driver.post_live_migration_at_destination(
        ctxt, instance, _nw_info(mgr, ctxt, instance))
    instance.host = mgr.host
    instance.node = node
    instance.power_state = _power_state(mgr, instance)
    instance.task_state = None
    instance.save(expected_task_state=[task_states.MIGRATING, None])
    _notify(mgr, ctxt, instance, 'live_migration_post_dest', 'end')


def rollback_at_destination(mgr, ctxt, instance):
    _notify(mgr, ctxt, instance, 'live_migration_rollback_dest', 'start')
    mgr.driver.rollback_live_migration_at_destination(
        ctxt, instance, _nw_info(mgr, ctxt, instance))
    _notify(mgr, ctxt, instance, 'live_migration_rollback_dest', 'end')
