"""unshelve_instance: schedule a shelved-offloaded server again.

The scheduler picks a host and claims the server's flavor there (a new
allocation for the instance), then ``unshelve_instance`` is cast to that
host, which spawns the server from its shelved image. If no host fits,
the server stays shelved_offloaded with a fault saying why.

The scheduler keeps to the request spec's ``availability_zone`` (which
an unshelve at API 2.77 may have changed); the server takes the zone of
the host it lands on.
"""

import sys

from oslo_log import log as logging

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import rpcapi as compute_rpcapi
from nova.compute import utils as compute_utils
from nova.conductor.tasks import destinations
from nova.scheduler import host_manager
from nova.scheduler import rpcapi as scheduler_rpcapi

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

UNSHELVE_EVENT = 'conductor_unshelve_instance'


class UnshelveTask:

    def __init__(self):
        self.scheduler = scheduler_rpcapi.SchedulerAPI()
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()

    def unshelve_instance(self, ctxt, instance):
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            ctxt, instance.uuid)
        with nova_context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
            instance._context = cctxt
            try:
                with compute_utils.EventReporter(cctxt, UNSHELVE_EVENT,
                                                 CONF.host, instance.uuid):
                    self._unshelve(ctxt, cctxt, instance)
            except Exception as exc:  # noqa: BLE001 - recorded as a fault
                LOG.info('Unshelve of instance %s failed: %s',
                         instance.uuid, exc)
                compute_utils.add_instance_fault_from_exc(
                    cctxt, instance, exc, sys.exc_info())
                instance.task_state = None
                try:
                    instance.save()
                except exception.InstanceNotFound:
                    pass

    def _unshelve(self, ctxt, cctxt, instance):
        spec = destinations.request_spec_for(ctxt, instance)
        spec.requested_cell = destinations.cell_of(ctxt, instance)
        spec.ignore_hosts = None
        spec.retry_hosts = []
        try:
            selections = self.scheduler.select_destinations(
                ctxt, spec, [instance.uuid], return_objects=True,
                return_alternates=False)
        finally:
            if spec.obj_attr_is_set('force_hosts') and spec.force_hosts:
                # A host asked for (API 2.91) is for this unshelve only.
                spec.force_hosts = None
                try:
                    spec.save()
                except Exception:
                    LOG.warning('Could not save the request spec of %s',
                                instance.uuid, exc_info=True)
        selected = selections[0][0]
        zone = host_manager.host_availability_zone(ctxt,
                                                   selected.service_host)
        if instance.availability_zone != zone:
            instance.availability_zone = zone
            instance.save()
        self.compute_rpcapi.unshelve_instance(
            cctxt, instance, host=selected.service_host,
            node=selected.nodename)
