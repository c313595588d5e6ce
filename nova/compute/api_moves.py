"""The compute API's moves: resize, cold migrate, confirm, revert.

Mixed into :class:`nova.compute.api.API`. Resize and migrate check the
lock and the state table, save ``resize_prep`` with a compare-and-swap,
record the action and cast ``migrate_server`` to the conductor
(:mod:`nova.conductor.tasks.migrate`). Confirm and revert act on the
instance's 'finished' migration.
"""

from oslo_log import log as logging

from nova import context as nova_context
from nova import exception, objects
from nova.compute import instance_states, task_states, vm_states
from nova.compute.api_actions import InstanceNotOnHost
from nova.i18n import _
from nova.objects import migration as migration_obj

LOG = logging.getLogger(__name__)



def _check_target_host(cctxt, instance, host_name, invalid):
    """Raise ``invalid`` unless ``host_name`` is another compute host."""
    if host_name == instance.host:
        raise invalid(instance_uuid=instance.uuid, host=host_name,
                      reason=_('it is the host the server is on.'))
    try:
        nodes = objects.ComputeNodeList.get_all_by_host(cctxt, host_name)
    except exception.ComputeHostNotFound:
        nodes = []
    if not nodes:
        raise invalid(instance_uuid=instance.uuid, host=host_name,
                      reason=_('there is no such compute host.'))

class CannotResizeToSameFlavor(exception.Invalid):
    msg_fmt = _('When resizing, instances must change flavor: '
                '%(flavor)s is the flavor the server already has.')


class CannotResizeDisk(exception.Invalid):
    msg_fmt = _('Resizing to a smaller root disk is not supported: flavor '
                '%(flavor)s has %(new)s GiB, the server has %(old)s GiB.')


class ResizeFlavorInvalid(exception.Invalid):
    msg_fmt = _('Cannot resize to flavor %(flavor)s: %(reason)s')


class NotResized(exception.Invalid):
    msg_fmt = _('Instance %(instance_uuid)s has no resize or migration '
                'waiting to be confirmed or reverted.')


class MigrationHostInvalid(exception.Invalid):
    msg_fmt = _('Cannot migrate instance %(instance_uuid)s to host '
                '%(host)s: %(reason)s')


class LiveMigrationHostInvalid(exception.Invalid):
    msg_fmt = _('Cannot live migrate instance %(instance_uuid)s to host '
                '%(host)s: %(reason)s')


class LiveMigrationNotInProgress(exception.NotFound):
    msg_fmt = _('Migration %(migration_id)s is not a live migration in '
                'progress of server %(instance_uuid)s.')


class InvalidMigrationState(exception.Invalid):
    msg_fmt = _('Cannot %(action)s migration %(migration_id)s of server '
                '%(instance_uuid)s while it is %(status)s; it must be '
                '%(wanted)s.')


class ComputeServiceInUse(exception.Conflict):
    msg_fmt = _('Cannot evacuate instance %(instance_uuid)s: the compute '
                'service of its host %(host)s is still up. Evacuate only '
                'from a host that is down (or forced down).')


class EvacuateHostInvalid(exception.Invalid):
    msg_fmt = _('Cannot evacuate instance %(instance_uuid)s to host '
                '%(host)s: %(reason)s')


# Live migrations the API lists, forces and aborts.
LIVE_IN_PROGRESS = ('accepted', 'queued', 'preparing', 'running',
                    'post-migrating')
ABORTABLE = ('queued', 'preparing', 'running')
# What API microversions before 2.65 may abort.
ABORTABLE_BEFORE_2_65 = ('running',)


class MovesMixin:
    """Moves of :class:`nova.compute.api.API`."""

    def _begin_move(self, context, instance, action):
        """(cell context, instance) after the lock/state checks, the
        task state saved and the action recorded."""
        row = instance_states.get(action)
        self.check_lock(context, instance, row.api_action)
        cell, instance = self._on_host(context, instance)
        instance_states.check(action, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                method=f"'{row.api_action}'", instance_uuid=instance.uuid,
                attr='vm_state', state=vm_states.BUILDING)
        if not instance.host:
            raise InstanceNotOnHost(action=row.api_action,
                                    instance_uuid=instance.uuid)
        return cell, instance, row

    def _save_task_state(self, instance, row, action):
        instance.task_state = row.task_state
        try:
            instance.save(expected_task_state=list(row.from_task_states),
                          expected_vm_state=list(row.from_vm_states))
        except exception.UnexpectedTaskStateError:
            instance.refresh()
            instance_states.check(action, instance)
            raise

    def _resize_flavor(self, context, instance, flavor_id):
        try:
            flavor = objects.Flavor.get_by_flavor_id(context, flavor_id)
        except exception.FlavorNotFound:
            raise ResizeFlavorInvalid(flavor=flavor_id,
                                      reason=_('there is no such flavor.'))
        current = instance.flavor
        if flavor.flavorid == current.flavorid:
            raise CannotResizeToSameFlavor(flavor=flavor_id)
        if flavor.disabled:
            raise ResizeFlavorInvalid(flavor=flavor_id,
                                      reason=_('it is disabled.'))
        if flavor.root_gb and flavor.root_gb < (current.root_gb or 0):
            raise CannotResizeDisk(flavor=flavor_id, new=flavor.root_gb,
                                   old=current.root_gb)
        return flavor

    @staticmethod
    def _check_resize_quota(context, instance, old, new):
        """403 when the bigger flavor would take the project (or its
        user) over its cores or ram quota."""
        deltas = {'cores': new.vcpus - old.vcpus,
                  'ram': new.memory_mb - old.memory_mb}
        deltas = {res: delta for res, delta in deltas.items() if delta > 0}
        if not deltas:
            return
        from nova import quota
        for user_id in (None, instance.user_id):
            limits = quota.project_limits(context, instance.project_id,
                                          user_id)
            if all(limits[res] < 0 for res in deltas):
                continue
            used = quota.usage(context, instance.project_id, user_id)
            for res, delta in deltas.items():
                if 0 <= limits[res] < used[res] + delta:
                    raise exception.TooManyInstances(
                        overs=res, req=delta, used=used[res],
                        allowed=limits[res])

    def resize(self, context, instance, flavor_id=None, host_name=None):
        """Resize to flavor ``flavor_id``, or cold migrate when None
        (to ``host_name`` when given: API 2.56; the scheduler still
        checks that the server fits there)."""
        action = 'resize' if flavor_id is not None else 'migrate'
        cell, instance, row = self._begin_move(context, instance, action)
        if host_name is not None:
            with nova_context.target_cell(context, cell) as cctxt:
                _check_target_host(cctxt, instance, host_name,
                                   MigrationHostInvalid)
        if flavor_id is not None:
            flavor = self._resize_flavor(context, instance, flavor_id)
            self._check_resize_quota(context, instance, instance.flavor,
                                     flavor)
        else:
            flavor = instance.flavor
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            self._save_task_state(instance, row, action)
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, row.api_action, want_result=False)
            # Only a migration to a named host passes one: the conductor
            # takes ``host`` from its RPC version for API 2.56.
            target = {'host': host_name} if host_name is not None else {}
            try:
                self.compute_task_api.migrate_server(
                    context, instance, flavor,
                    'resize' if flavor_id is not None else 'migration',
                    **target)
            except Exception as exc:  # noqa: BLE001 - the bus failed
                LOG.error('Could not ask the conductor to %s %s: %s',
                          action, instance.uuid, exc)
                instance.task_state = None
                instance.save()
                raise exception.MessagingUnavailable(reason=str(exc))

    def live_migrate(self, context, instance, host_name=None,
                     block_migration=None, force=None):
        """Move the running server to ``host_name`` (None: the
        scheduler picks); ``force`` skips the scheduler's checks."""
        action = 'live-migration'
        cell, instance, row = self._begin_move(context, instance, action)
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            if host_name is not None:
                _check_target_host(cctxt, instance, host_name, LiveMigrationHostInvalid)
            self._save_task_state(instance, row, action)
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, row.api_action, want_result=False)
            try:
                self.compute_task_api.live_migrate_instance(
                    context, instance, host_name, block_migration,
                    bool(force))
            except Exception as exc:  # noqa: BLE001 - the bus failed
                LOG.error('Could not ask the conductor to live migrate '
                          '%s: %s', instance.uuid, exc)
                instance.task_state = None
                instance.save()
                raise exception.MessagingUnavailable(reason=str(exc))

    def evacuate(self, context, instance, host_name=None,
                 admin_password=None, force=None):
        """Rebuild the server on another host: its own is down."""
        action = 'evacuate'
        cell, instance, row = self._begin_move(context, instance, action)
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            if self._compute_is_up(cctxt, instance.host):
                raise ComputeServiceInUse(instance_uuid=instance.uuid,
                                          host=instance.host)
            if host_name is not None:
                _check_target_host(cctxt, instance, host_name, EvacuateHostInvalid)
            self._save_task_state(instance, row, action)
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, row.api_action, want_result=False)
            try:
                self.compute_task_api.evacuate_instance(
                    context, instance, host_name, admin_password,
                    force=bool(force))
            except Exception as exc:  # noqa: BLE001 - the bus failed
                LOG.error('Could not ask the conductor to evacuate %s: %s',
                          instance.uuid, exc)
                instance.task_state = None
                instance.save()
                raise exception.MessagingUnavailable(reason=str(exc))

    def live_migrations_in_progress(self, context, instance):
        """The live migrations of the server that have not ended."""
        cell = self.cell_of(context, instance.uuid)
        if cell is None:
            return []
        with nova_context.target_cell(context, cell) as cctxt:
            return list(objects.MigrationList.get_by_filters(cctxt, {
                'instance_uuid': instance.uuid,
                'migration_type': 'live-migration',
                'status': list(LIVE_IN_PROGRESS)}))

    def live_migration_in_progress(self, context, instance, migration_id):
        for migration in self.live_migrations_in_progress(context,
                                                          instance):
            if str(migration.id) == str(migration_id):
                return migration
        raise LiveMigrationNotInProgress(migration_id=migration_id,
                                         instance_uuid=instance.uuid)

    def _running_live_migration(self, context, instance, migration_id,
                                action, wanted):
        self.check_lock(context, instance, action)
        if instance.task_state != task_states.MIGRATING:
            raise exception.InstanceInvalidState(
                method=f"'{action}'", instance_uuid=instance.uuid,
                attr='task_state', state=instance.task_state)
        migration = self.live_migration_in_progress(context, instance,
                                                    migration_id)
        if migration.status not in wanted:
            raise InvalidMigrationState(
                action=action, migration_id=migration_id,
                instance_uuid=instance.uuid, status=migration.status,
                wanted=' or '.join(wanted))
        return migration

    def live_migrate_force_complete(self, context, instance, migration_id):
        """Ask the source's driver to finish the copy now."""
        self._running_live_migration(context, instance, migration_id,
                                     'force_complete', ('running',))
        cell = self.cell_of(context, instance.uuid)
        with nova_context.target_cell(context, cell) as cctxt:
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, 'live_migration_force_complete',
                want_result=False)
            self.compute_rpcapi.live_migration_force_complete(cctxt,
                                                              instance)

    def live_migrate_abort(self, context, instance, migration_id,
                           queued_too=True):
        """Stop the live migration: the server stays on its source.
        ``queued_too=False`` (API before 2.65) aborts only a running
        one, not one still queued or preparing."""
        migration = self._running_live_migration(
            context, instance, migration_id, 'abort',
            ABORTABLE if queued_too else ABORTABLE_BEFORE_2_65)
        cell = self.cell_of(context, instance.uuid)
        with nova_context.target_cell(context, cell) as cctxt:
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, 'live_migration_cancel',
                want_result=False)
            self.compute_rpcapi.live_migration_abort(cctxt, instance,
                                                     migration.id)

    def _finished_migration(self, cctxt, instance):
        try:
            return objects.Migration.get_by_instance_and_status(
                cctxt, instance.uuid, 'finished')
        except migration_obj.MigrationNotFoundByStatus:
            raise NotResized(instance_uuid=instance.uuid)

    def confirm_resize(self, context, instance):
        """Keep the server where it was moved; the source is cleaned up."""
        cell, instance, row = self._begin_move(context, instance,
                                               'confirmResize')
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            migration = self._finished_migration(cctxt, instance)
            migration.status = 'confirming'
            migration.save()
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, row.api_action, want_result=False)
            self.compute_rpcapi.confirm_resize(cctxt, instance, migration)

    def revert_resize(self, context, instance):
        """Move the server back to its source with its old flavor."""
        cell, instance, row = self._begin_move(context, instance,
                                               'revertResize')
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            migration = self._finished_migration(cctxt, instance)
            self._save_task_state(instance, row, 'revertResize')
            migration.status = 'reverting'
            migration.save()
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, row.api_action, want_result=False)
            self._restore_spec_flavor(context, instance)
            self.compute_rpcapi.revert_resize(cctxt, instance, migration)

    @staticmethod
    def _restore_spec_flavor(context, instance):
        """The request spec describes the server with its old flavor
        again (the conductor set the new one when it scheduled)."""
        if instance.old_flavor is None:
            return
        try:
            spec = objects.RequestSpec.get_by_instance_uuid(context,
                                                            instance.uuid)
            spec.flavor = instance.old_flavor
            spec.save()
        except exception.RequestSpecNotFound:
            pass


# The task states a server shows while it moves (for readers of the
# state table): resize_prep -> resize_migrating -> resize_migrated ->
# resize_finish -> (vm_state resized) ; revert: resize_reverting.
MOVE_TASK_STATES = (task_states.RESIZE_PREP, task_states.RESIZE_MIGRATING,
                    task_states.RESIZE_MIGRATED, task_states.RESIZE_FINISH,
                    task_states.RESIZE_REVERTING)
