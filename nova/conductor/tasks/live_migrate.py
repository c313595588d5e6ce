"""live_migrate_instance: the conductor's part of a live migration.

A Migration (type ``live-migration``) is created, the instance's source
allocation is moved to the migration's uuid, the destination is chosen
(the scheduler, restricted to the requested host if any; or a forced host
claimed directly) and claimed for the instance, the destination's and
the source's drivers are asked whether the move can happen, and
``live_migration`` is cast to the source compute
(:mod:`nova.compute.live_migration`). If anything fails before the cast,
the allocations go back as they were, the migration ends in 'error' and
the instance keeps its state with a fault saying why.
"""

import sys

from oslo_log import log as logging

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import rpcapi as compute_rpcapi
from nova.compute import utils as compute_utils
from nova.conductor.tasks import destinations
from nova.i18n import _
from nova.scheduler import rpcapi as scheduler_rpcapi
from nova.scheduler.client import report

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

EVENT = 'conductor_live_migrate_instance'


class LiveMigrateTask:

    def __init__(self):
        self.scheduler = scheduler_rpcapi.SchedulerAPI()
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self._reportclient = None

    @property
    def reportclient(self):
        if self._reportclient is None:
            self._reportclient = report.report_client_singleton()
        return self._reportclient

    def live_migrate_instance(self, ctxt, instance, host, block_migration,
                              force):
        """Start the move; never raises (a cast): failures are recorded
        on the instance and its migration."""
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            ctxt, instance.uuid)
        with nova_context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
            instance._context = cctxt
            try:
                with compute_utils.EventReporter(cctxt, EVENT, CONF.host,
                                                 instance.uuid):
                    self._live_migrate(ctxt, cctxt, instance, host,
                                       block_migration, force)
            except Exception:  # recorded by the event
                LOG.info('Live migration of instance %s did not start',
                         instance.uuid, exc_info=True)

    def _live_migrate(self, ctxt, cctxt, instance, host, block_migration,
                      force):
        migration = objects.Migration(
            cctxt, instance_uuid=instance.uuid,
            source_compute=instance.host, source_node=instance.node,
            old_instance_type_id=instance.flavor.id,
            new_instance_type_id=instance.flavor.id, status='accepted',
            migration_type='live-migration',
            # Who asked for the move (API 2.80 shows them).
            user_id=ctxt.user_id or instance.user_id,
            project_id=ctxt.project_id or instance.project_id)
        migration.create()
        self.reportclient.move_allocations(ctxt, instance.uuid,
                                           migration.uuid)
        try:
            if host and force:
                dest, node = destinations.claim_on_forced_host(
                    self.reportclient, cctxt, instance, host,
                    self.reportclient.get_allocations_for_consumer(
                        cctxt, migration.uuid))
            else:
                dest, node = destinations.schedule_away_from_source(
                    self.scheduler, ctxt, instance, host)
            migrate_data = self.compute_rpcapi.\
                check_can_live_migrate_destination(
                    cctxt, instance, block_migration, host=dest)
        except Exception as exc:
            self._undo(ctxt, cctxt, instance, migration, exc,
                       sys.exc_info())
            raise
        migration.dest_compute = dest
        migration.dest_node = node
        migration.dest_host = dest
        migration.status = 'queued'
        migration.save()
        LOG.info('Live migration of instance %s: %s -> %s', instance.uuid,
                 migration.source_compute, dest)
        self.compute_rpcapi.live_migration(
            cctxt, instance, dest, migration, block_migration, migrate_data)

    def _undo(self, ctxt, cctxt, instance, migration, exc, exc_info):
        """No move: the allocations back as they were, plus a fault."""
        try:
            self.reportclient.delete_allocation_for_instance(ctxt,
                                                             instance.uuid)
            self.reportclient.move_allocations(ctxt, migration.uuid,
                                               instance.uuid)
        except Exception:
            LOG.exception('Could not give the allocations of migration %s '
                          'back to instance %s', migration.uuid,
                          instance.uuid)
        migration.status = 'error'
        migration.save()
        detail = compute_utils.exception_to_fault(exc)[1]
        compute_utils.add_instance_fault_from_exc(
            cctxt, instance, exc, exc_info,
            fault_message=_('Live migration could not start: %s') % detail)
        instance.task_state = None
        try:
            instance.save()
        except exception.InstanceNotFound:
            pass
