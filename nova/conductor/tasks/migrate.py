"""migrate_server: the conductor's part of a resize or cold migration.

A Migration record is created (pre-migrating), the instance's source
allocation is moved to the migration's uuid as consumer, the scheduler
picks a destination (and claims the new flavor there for the instance),
and ``prep_resize`` is cast to the destination compute. If no host fits,
the allocation goes back to the instance, the migration ends in 'error'
and the instance keeps its state with a fault saying why.
"""

import sys

from oslo_log import log as logging

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import rpcapi as compute_rpcapi
from nova.compute import utils as compute_utils
from nova.conductor.tasks import destinations
from nova.scheduler import rpcapi as scheduler_rpcapi
from nova.scheduler.client import report

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

MIGRATE_EVENT = 'conductor_migrate_server'


class MigrateTask:

    def __init__(self):
        self.scheduler = scheduler_rpcapi.SchedulerAPI()
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self._reportclient = None

    @property
    def reportclient(self):
        if self._reportclient is None:
            self._reportclient = report.report_client_singleton()
        return self._reportclient

    def migrate_server(self, ctxt, instance, flavor, migration_type,
                       host=None):
        """Start the move (to ``host`` only, when given); never raises (a
        cast): failures are recorded on the instance."""
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            ctxt, instance.uuid)
        with nova_context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
            instance._context = cctxt
            try:
                with compute_utils.EventReporter(cctxt, MIGRATE_EVENT,
                                                 CONF.host, instance.uuid):
                    self._migrate(ctxt, cctxt, instance, flavor,
                                  migration_type, host)
            except Exception:  # noqa: BLE001 - recorded by the event
                LOG.info('%s of instance %s did not start',
                         migration_type, instance.uuid)

    def _migrate(self, ctxt, cctxt, instance, flavor, migration_type,
                 host=None):
        migration = objects.Migration(
            cctxt, instance_uuid=instance.uuid,
            source_compute=instance.host, source_node=instance.node,
            old_instance_type_id=instance.flavor.id,
            new_instance_type_id=flavor.id, status='pre-migrating',
            migration_type=migration_type,
            # Who asked for the move (API 2.80 shows them).
            user_id=ctxt.user_id or instance.user_id,
            project_id=ctxt.project_id or instance.project_id)
        migration.create()
        # The source's resources stay held, by the migration, until the
        # move is confirmed or reverted.
        self.reportclient.move_allocations(ctxt, instance.uuid,
                                           migration.uuid)
        try:
            selection = self._schedule(ctxt, instance, flavor, host)
        except Exception as exc:
            self._undo(ctxt, cctxt, instance, migration, exc,
                       sys.exc_info())
            raise
        migration.dest_compute = selection.service_host
        migration.dest_node = selection.nodename
        migration.dest_host = selection.service_host
        migration.save()
        LOG.info('%s of instance %s: %s -> %s', migration_type,
                 instance.uuid, migration.source_compute,
                 migration.dest_compute)
        self.compute_rpcapi.prep_resize(
            cctxt, instance, flavor, migration,
            host=selection.service_host, node=selection.nodename)

    def _schedule(self, ctxt, instance, flavor, host=None):
        spec = destinations.request_spec_for(ctxt, instance)
        spec.flavor = flavor
        spec.requested_cell = destinations.cell_of(ctxt, instance)
        spec.ignore_hosts = None if CONF.allow_resize_to_same_host \
            else [instance.host]
        # A named host (API 2.56) still passes every filter.
        spec.force_hosts = [host] if host else None
        spec.retry_hosts = []
        selections = self.scheduler.select_destinations(
            ctxt, spec, [instance.uuid], return_objects=True,
            return_alternates=False)
        # The spec describes the server as it will be: the next
        # scheduling (unshelve, ...) uses the new flavor. A revert puts
        # the old one back.
        spec.ignore_hosts = None
        spec.force_hosts = None
        try:
            spec.save()
        except Exception:
            LOG.warning('Could not save the request spec of %s',
                        instance.uuid, exc_info=True)
        return selections[0][0]

    def _undo(self, ctxt, cctxt, instance, migration, exc, exc_info):
        """No destination: everything back as it was, plus a fault."""
        try:
            self.reportclient.move_allocations(ctxt, migration.uuid,
                                               instance.uuid)
        except Exception:
            LOG.exception('Could not give the allocations of migration %s '
                          'back to instance %s', migration.uuid,
                          instance.uuid)
        migration.status = 'error'
        migration.save()
        compute_utils.add_instance_fault_from_exc(cctxt, instance, exc,
                                                  exc_info)
        instance.task_state = None
        try:
            instance.save()
        except exception.InstanceNotFound:
            pass
