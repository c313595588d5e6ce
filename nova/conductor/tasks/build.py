"""schedule_and_build_instances: from build requests to instances on hosts.

The scheduler picks (and claims in Placement) a host per instance; each
instance is then created in its host's cell with a ``create`` action,
its mapping pointed at the cell, its build request deleted and
``build_and_run_instance`` cast to the host with the alternates. When no
host fits, the instances go to cell0 in ERROR with a fault that says why.
"""

import collections
import contextlib
import datetime
import sys
import threading
import time

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova import context as nova_context
from nova import exception, objects, service, servicegroup
from nova.compute import rpcapi as compute_rpcapi
from nova.compute import utils as compute_utils
from nova.compute import vm_states
from nova.i18n import _
from nova.scheduler import host_manager
from nova.scheduler import rpcapi as scheduler_rpcapi
from nova.scheduler.client import report

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# The instance action event the conductor records for a failed build.
SCHEDULE_EVENT = 'conductor_schedule_and_build_instances'


def filter_properties_for(request_spec, selection):
    """The legacy filter properties the compute receives (retry info)."""
    hints = {}
    if request_spec is not None and 'scheduler_hints' in request_spec:
        hints = request_spec.scheduler_hints or {}
    return {'retry': {'num_attempts': 1,
                      'hosts': [[selection.service_host,
                                 selection.nodename]]},
            'limits': selection.limits or {},
            'scheduler_hints': dict(hints)}


def bury_in_cell0(ctxt, build_request, exc, exc_info=None, tags=None):
    """Create the instance in cell0 in ERROR with ``exc`` as its fault,
    map it there and drop its build request."""
    cell0 = objects.CellMapping.get_by_uuid(ctxt,
                                            objects.CellMapping.CELL0_UUID)
    with nova_context.target_cell(ctxt, cell0) as cctxt:
        instance = build_request.get_new_instance(cctxt)
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        if tags and not instance.obj_attr_is_set('tags'):
            instance.tags = list(tags)
        instance.create()
        objects.InstanceAction.action_start(cctxt, instance.uuid, 'create',
                                            want_result=False)
        objects.InstanceActionEvent.event_start(
            cctxt, instance.uuid, SCHEDULE_EVENT, want_result=False)
        objects.InstanceActionEvent.event_finish_with_failure(
            cctxt, instance.uuid, SCHEDULE_EVENT, exc_val=exc,
            exc_tb=exc_info[2] if exc_info else None)
        compute_utils.add_instance_fault_from_exc(cctxt, instance, exc,
                                                  exc_info=exc_info)
        _map_to_cell(ctxt, instance.uuid, cell0)
        try:
            build_request.destroy()
        except exception.BuildRequestNotFound:
            # The user deleted the server meanwhile: honour it.
            instance.destroy()
    return instance


def _map_to_cell(ctxt, instance_uuid, cell):
    mapping = objects.InstanceMapping.get_by_instance_uuid(ctxt,
                                                           instance_uuid)
    mapping.cell_mapping = cell
    mapping.save()


def _still_current(ctxt, build_requests):
    """Touch the build requests (their updated_at says a conductor works on
    them); the subset this conductor may still build: the others were
    deleted by their user or sent again to the conductors after this copy
    was (nova.conductor.stalled), and the later attempt owns them."""
    current = objects.BuildRequest.touch_current(ctxt, build_requests)
    return [br for br in build_requests if br.instance_uuid in current]


def _gone(ctxt, build_request):
    """Whether the build request was deleted (its server deleted), as
    opposed to superseded by a later attempt."""
    try:
        objects.BuildRequest.get_by_instance_uuid(ctxt,
                                                  build_request.instance_uuid)
    except exception.BuildRequestNotFound:
        return True
    return False


class _InFlight:
    """The build requests this conductor process is working on. Its
    periodic pass touches them before looking for stalled ones, so that
    no conductor takes a build for lost while one still works on it (a
    scheduler call may outlast ``task_state_timeout`` under load)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._uuids = collections.Counter()

    @contextlib.contextmanager
    def working_on(self, instance_uuids):
        with self._lock:
            self._uuids.update(instance_uuids)
        try:
            yield
        finally:
            with self._lock:
                self._uuids.subtract(instance_uuids)
                self._uuids += collections.Counter()   # drop zeros

    def touch(self, ctxt):
        with self._lock:
            uuids = list(self._uuids)
        objects.BuildRequest.touch_all(ctxt, uuids)
        return len(uuids)


IN_FLIGHT = _InFlight()


class _Stopping(Exception):
    """This conductor is stopping while it waits to schedule again."""


class _NotWanted(Exception):
    """The build requests were deleted or sent again while this conductor
    waited to schedule them again."""


def _passing(ctxt, exc):
    """Whether scheduling failed for a reason that may pass soon."""
    if isinstance(exc, (exception.ServiceNotAnswering,
                        exception.PlacementAPIConnectFailure)):
        return True
    return (isinstance(exc, exception.NoValidHost) and
            _computes_coming_back(ctxt))


def _computes_coming_back(ctxt):
    """Enabled compute services that are down but reported recently
    (within three times service_down_time, and at least two minutes):
    restarting, probably."""
    liveness = servicegroup.API()
    recent = datetime.timedelta(
        seconds=max(3 * CONF.service_down_time, 120))
    now = timeutils.utcnow(with_timezone=True)
    for cell in objects.CellMappingList.get_all(ctxt):
        if cell.is_cell0():
            continue
        with nova_context.target_cell(ctxt, cell) as cctxt:
            for svc in objects.ServiceList.get_by_binary(
                    cctxt, 'nova-compute', include_disabled=False):
                last = svc.last_seen_up if svc.obj_attr_is_set(
                    'last_seen_up') and svc.last_seen_up else svc.updated_at
                if last is None or svc.forced_down or \
                        liveness.service_is_up(svc):
                    continue
                if last.tzinfo is None:
                    last = last.replace(tzinfo=datetime.UTC)
                if now - last <= recent:
                    return True
    return False


class BuildTask:
    """The conductor side of a boot request."""

    def __init__(self):
        self.scheduler = scheduler_rpcapi.SchedulerAPI()
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self._reportclient = None

    @property
    def reportclient(self):
        if self._reportclient is None:
            self._reportclient = report.report_client_singleton()
        return self._reportclient

    def schedule_and_build_instances(self, ctxt, build_requests,
                                     request_specs, image, admin_password,
                                     injected_files, requested_networks,
                                     block_device_mapping, tags=None):
        instance_uuids = [br.instance_uuid for br in build_requests]
        with IN_FLIGHT.working_on(instance_uuids):
            wanted = self._current_part(ctxt, build_requests, request_specs)
            if not wanted:
                return
            build_requests, request_specs = wanted
            self._schedule_and_build(
                ctxt, build_requests, request_specs, image, admin_password,
                injected_files, requested_networks, block_device_mapping,
                tags, [br.instance_uuid for br in build_requests])

    @staticmethod
    def _current_part(ctxt, build_requests, request_specs):
        """The build requests (and their specs) still this message's to
        build: a message that waited in the queue past the deadline was
        sent again meanwhile, and only the later one may build."""
        current = {br.instance_uuid
                   for br in _still_current(ctxt, build_requests)}
        if len(current) == len(build_requests):
            return build_requests, request_specs
        for br in build_requests:
            if br.instance_uuid not in current:
                LOG.info('Not building %s: its server was deleted or its '
                         'build was sent again since this request was',
                         br.instance_uuid)
        # The API sends one spec per build request.
        pairs = [(br, spec) for br, spec in zip(build_requests,
                                                request_specs)
                 if br.instance_uuid in current]
        if not pairs:
            return None
        return [br for br, _spec in pairs], [spec for _br, spec in pairs]

    def _schedule_and_build(self, ctxt, build_requests, request_specs,
                            image, admin_password, injected_files,
                            requested_networks, block_device_mapping, tags,
                            instance_uuids):
        try:
            host_lists = self._select_with_retries(
                ctxt, request_specs[0], instance_uuids,
                still_wanted=lambda: len(_still_current(
                    ctxt, build_requests)) == len(build_requests))
        except _Stopping:
            # The build requests stay: after the restart the conductor's
            # deadline sends them again (nova.conductor.stalled).
            LOG.warning('Stopping: the build of %s is left for the next '
                        'start', instance_uuids)
            return
        except _NotWanted:
            # Deleted or sent again: a deleted one's claim is nobody's; a
            # re-sent one's belongs to the later attempt.
            for br in build_requests:
                if _gone(ctxt, br):
                    self._release(ctxt, br.instance_uuid)
            return
        except Exception as exc:
            # NoValidHost (or a scheduler that failed): every instance of
            # the request goes to cell0 with the reason as its fault.
            exc_info = sys.exc_info()
            if not isinstance(exc, exception.NoValidHost):
                LOG.exception('Scheduling instances %s failed',
                              instance_uuids)
            for br in self._buryable(ctxt, build_requests):
                if not isinstance(exc, exception.NoValidHost):
                    # The scheduler may have claimed before it failed or
                    # stopped answering: nothing will use that claim.
                    self._release(ctxt, br.instance_uuid)
                self._bury(ctxt, br, exc, exc_info, tags)
            return
        cells = {}
        for br, spec, host_list in zip(build_requests, request_specs,
                                       host_lists):
            try:
                self._build_one(ctxt, br, spec, host_list, cells, image,
                                admin_password, injected_files,
                                requested_networks, block_device_mapping,
                                tags)
            except Exception as exc:
                LOG.exception('Building instance %s on %s failed',
                              br.instance_uuid, host_list[0].service_host)
                self._release(ctxt, br.instance_uuid)
                self._bury(ctxt, br, exc, sys.exc_info(), tags)

    def _select(self, ctxt, spec, instance_uuids):
        try:
            return self.scheduler.select_destinations(
                ctxt, spec, instance_uuids, return_objects=True,
                return_alternates=True)
        except messaging.MessagingTimeout as exc:
            raise exception.ServiceNotAnswering(
                service='nova-scheduler',
                timeout=CONF.rpc_response_timeout) from exc

    def _select_with_retries(self, ctxt, spec, instance_uuids,
                             still_wanted=lambda: True):
        """select_destinations, tried again while it fails for a passing
        reason, for up to ``[conductor] schedule_retry_timeout``, and as
        long as ``still_wanted()`` (which also tells the deadline of
        nova.conductor.stalled that this request is being worked on)."""
        deadline = time.monotonic() + CONF.conductor.schedule_retry_timeout
        delay = 1
        while True:
            try:
                return self._select(ctxt, spec, instance_uuids)
            except Exception as exc:
                if (time.monotonic() + delay > deadline or
                        not _passing(ctxt, exc)):
                    raise
                if not still_wanted():
                    raise _NotWanted() from exc
                LOG.warning('Scheduling instances %s failed (%s); trying '
                            'again in %d s', instance_uuids, exc, delay)
                # A claim made before the failure would be in the way.
                for uuid in instance_uuids:
                    self._release(ctxt, uuid)
                if service.STOPPING.wait(delay):
                    raise _Stopping() from exc
                delay = min(delay * 2, 10)

    @staticmethod
    def _buryable(ctxt, build_requests):
        try:
            return _still_current(ctxt, build_requests)
        except Exception:   # the DB: the deadline ends them later
            LOG.exception('Could not check the build requests of %s; '
                          'leaving them to the stalled-build deadline',
                          [br.instance_uuid for br in build_requests])
            return []

    def _bury(self, ctxt, build_request, exc, exc_info, tags):
        try:
            bury_in_cell0(ctxt, build_request, exc, exc_info, tags)
        except Exception:
            LOG.exception('Could not put instance %s in cell0',
                          build_request.instance_uuid)

    def _release(self, ctxt, instance_uuid):
        try:
            self.reportclient.delete_allocation_for_instance(ctxt,
                                                             instance_uuid)
        except Exception:
            LOG.exception('Could not remove the allocations of %s',
                          instance_uuid)

    @staticmethod
    def _cell_of(ctxt, host, cells):
        if host not in cells:
            cells[host] = objects.HostMapping.get_by_host(
                ctxt, host).cell_mapping
        return cells[host]

    def _build_one(self, ctxt, build_request, request_spec, host_list, cells,
                   image, admin_password, injected_files, requested_networks,
                   block_device_mapping, tags):
        selected = host_list[0]
        if not _still_current(ctxt, [build_request]):
            # Deleted: nobody uses the claim. Sent again: the later attempt
            # owns the server (and a claim of the same consumer).
            if _gone(ctxt, build_request):
                LOG.info('Instance %s was deleted while it was scheduled',
                         build_request.instance_uuid)
                self._release(ctxt, build_request.instance_uuid)
            else:
                LOG.warning('Not building %s on %s: its build was sent '
                            'again meanwhile', build_request.instance_uuid,
                            selected.service_host)
            return
        cell = self._cell_of(ctxt, selected.service_host, cells)
        with nova_context.target_cell(ctxt, cell) as cctxt:
            instance = build_request.get_new_instance(cctxt)
            if not instance.obj_attr_is_set('availability_zone') or \
                    not instance.availability_zone:
                instance.availability_zone = \
                    host_manager.host_availability_zone(
                        ctxt, selected.service_host)
            if tags and not instance.obj_attr_is_set('tags'):
                instance.tags = list(tags)
            instance.create()
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, 'create', want_result=False)
            _map_to_cell(ctxt, instance.uuid, cell)
            try:
                build_request.destroy()
            except exception.BuildRequestNotFound:
                LOG.info('Instance %s was deleted while it was scheduled; '
                         'removing it', instance.uuid)
                instance.destroy()
                self._release(ctxt, instance.uuid)
                return
            self._cast_build(cctxt, instance, selected, image=image,
                             request_spec=request_spec,
                             admin_password=admin_password,
                             injected_files=injected_files,
                             requested_networks=requested_networks,
                             block_device_mapping=block_device_mapping,
                             host_list=host_list)

    def _cast_build(self, cctxt, instance, selected, request_spec,
                    host_list, **kwargs):
        """Send the build to its host. The instance exists in its cell by
        now: if it cannot be sent, it ends there in ERROR, with a fault
        and without its allocation (not a second copy in cell0)."""
        try:
            self.compute_rpcapi.build_and_run_instance(
                cctxt, instance=instance, host=selected.service_host,
                request_spec=request_spec,
                filter_properties=filter_properties_for(request_spec,
                                                        selected),
                security_groups=None, node=selected.nodename,
                limits=selected.limits, host_list=host_list, **kwargs)
        except Exception as exc:
            exc_info = sys.exc_info()
            LOG.exception('Could not send the build of %s to %s',
                          instance.uuid, selected.service_host)
            self._release(cctxt, instance.uuid)
            fault = exception.BuildAbortException(
                instance_uuid=instance.uuid,
                reason=_('the build could not be sent to nova-compute on '
                         'host %(host)s: %(error)s') % {
                    'host': selected.service_host, 'error': exc})
            compute_utils.add_instance_fault_from_exc(cctxt, instance, fault,
                                                      exc_info=exc_info)
            instance.vm_state = vm_states.ERROR
            instance.task_state = None
            instance.save()
