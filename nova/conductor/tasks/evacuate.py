"""evacuate_instance: the conductor's part of an evacuation.

The instance's host is down. A Migration (type ``evacuation``) is
created, the scheduler picks another host (the requested one if any) and
claims it for the instance, whose consumer then holds both hosts: the
source's allocation stays until that host's nova-compute starts again
and cleans up (:mod:`nova.compute.evacuate`). ``rebuild_instance`` with
``recreate`` is cast to the destination. With no host, the migration
ends in 'error' and the instance keeps its state with a fault.
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

EVENT = 'conductor_rebuild_server'


class EvacuateTask:

    def __init__(self):
        self.scheduler = scheduler_rpcapi.SchedulerAPI()
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self._reportclient = None

    @property
    def reportclient(self):
        if self._reportclient is None:
            self._reportclient = report.report_client_singleton()
        return self._reportclient

    def evacuate_instance(self, ctxt, instance, host, admin_password,
                          force=False):
        """Never raises (a cast): failures are recorded."""
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            ctxt, instance.uuid)
        with nova_context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
            instance._context = cctxt
            try:
                with compute_utils.EventReporter(cctxt, EVENT, CONF.host,
                                                 instance.uuid):
                    self._evacuate(ctxt, cctxt, instance, host,
                                   admin_password, force)
            except Exception:  # recorded by the event
                LOG.info('Evacuation of instance %s did not start',
                         instance.uuid, exc_info=True)

    def _evacuate(self, ctxt, cctxt, instance, host, admin_password,
                  force):
        migration = objects.Migration(
            cctxt, instance_uuid=instance.uuid,
            source_compute=instance.host, source_node=instance.node,
            old_instance_type_id=instance.flavor.id,
            new_instance_type_id=instance.flavor.id, status='accepted',
            migration_type='evacuation',
            # Who asked for the move (API 2.80 shows them).
            user_id=ctxt.user_id or instance.user_id,
            project_id=ctxt.project_id or instance.project_id)
        migration.create()
        try:
            if host and force:
                dest, node = destinations.claim_on_forced_host(
                    self.reportclient, cctxt, instance, host,
                    self.reportclient.get_allocations_for_consumer(
                        cctxt, instance.uuid))
            else:
                dest, node = destinations.schedule_away_from_source(
                    self.scheduler, ctxt, instance, host)
        except Exception as exc:
            migration.status = 'error'
            migration.save()
            detail = compute_utils.exception_to_fault(exc)[1]
            compute_utils.add_instance_fault_from_exc(
                cctxt, instance, exc, sys.exc_info(),
                fault_message=_('Evacuation could not start: %s') % detail)
            instance.task_state = None
            try:
                instance.save()
            except exception.InstanceNotFound:
                pass
            raise
        migration.dest_compute = dest
        migration.dest_node = node
        migration.dest_host = dest
        migration.status = 'pre-migrating'
        migration.save()
        LOG.info('Evacuating instance %s: %s -> %s', instance.uuid,
                 migration.source_compute, dest)
        self.compute_rpcapi.evacuate_to(
            cctxt, instance, instance.image_ref, admin_password, migration,
            host=dest, node=node)
