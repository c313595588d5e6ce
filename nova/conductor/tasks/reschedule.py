"""build_instances: reschedule a failed build to its next alternate host.

The compute whose build failed has removed its own allocation and sent
the alternates left. Each alternate's allocation request is claimed in
Placement in turn; the first that fits gets the build. When none is left
the instance ends in ERROR with a fault naming every host tried and why.

``filter_properties['retry']`` carries ``num_attempts``, ``hosts`` (the
[host, node] pairs tried) and ``exc_reason`` (why the last one failed);
this task adds ``failures``, the [host, reason] pairs so far.
"""

from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova import context as nova_context
from nova import exception, objects
from nova.compute import rpcapi as compute_rpcapi
from nova.compute import utils as compute_utils
from nova.compute import vm_states
from nova.i18n import _
from nova.scheduler.client import report

LOG = logging.getLogger(__name__)


def _failures(retry):
    """[host, reason] of each failed host, the last one included."""
    failures = [list(f) for f in retry.get('failures') or []]
    hosts = retry.get('hosts') or []
    if hosts and len(failures) < len(hosts):
        last = hosts[-1][0]
        failures.append([last, retry.get('exc_reason') or _('build failed')])
    return failures


def _explain(failures, unclaimed):
    parts = [f'{host} ({why})' for host, why in failures]
    text = _('Build failed on every host tried: %s') % '; '.join(parts) \
        if parts else _('No host was left to try')
    if unclaimed:
        text += _('; alternates %s had no room left in Placement') % \
            ', '.join(unclaimed)
    return text + '.'


class RescheduleTask:
    """The conductor side of a reschedule from a compute."""

    def __init__(self):
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self._reportclient = None

    @property
    def reportclient(self):
        if self._reportclient is None:
            self._reportclient = report.report_client_singleton()
        return self._reportclient

    def _claim(self, ctxt, instance, selection):
        if not selection.allocation_request:
            return True
        return self.reportclient.claim_resources(
            ctxt, instance.uuid, jsonutils.loads(selection.allocation_request),
            instance.project_id, instance.user_id,
            allocation_request_version=selection.allocation_request_version)

    def build_instances(self, ctxt, instances, image, filter_properties,
                        admin_password, injected_files, requested_networks,
                        security_groups, block_device_mapping,
                        request_spec=None, host_lists=None):
        for index, instance in enumerate(instances):
            host_list = list(host_lists[index]) if host_lists else []
            props = jsonutils.loads(jsonutils.dumps(filter_properties or {}))
            try:
                self._reschedule_one(
                    ctxt, instance, host_list, props, image, admin_password,
                    injected_files, requested_networks, security_groups,
                    block_device_mapping, request_spec)
            except Exception:
                LOG.exception('Rescheduling instance %s failed',
                              instance.uuid)

    def _reschedule_one(self, ctxt, instance, host_list, props, image,
                        admin_password, injected_files, requested_networks,
                        security_groups, block_device_mapping, request_spec):
        retry = props.setdefault('retry', {'num_attempts': 1, 'hosts': []})
        failures = _failures(retry)
        cell = objects.InstanceMapping.get_by_instance_uuid(
            ctxt, instance.uuid).cell_mapping
        unclaimed = []
        selected = None
        while host_list:
            candidate = host_list.pop(0)
            if self._claim(ctxt, instance, candidate):
                selected = candidate
                break
            unclaimed.append(candidate.service_host)
        with nova_context.target_cell(ctxt, cell) as cctxt:
            instance._context = cctxt
            if selected is None:
                self._give_up(cctxt, instance, failures, unclaimed)
                return
            retry['num_attempts'] = retry.get('num_attempts', 1) + 1
            retry['hosts'] = (retry.get('hosts') or []) + [
                [selected.service_host, selected.nodename]]
            retry['failures'] = failures
            retry.pop('exc_reason', None)
            props['limits'] = selected.limits or {}
            LOG.info('Rescheduling instance %(uuid)s to %(host)s (attempt '
                     '%(n)d)', {'uuid': instance.uuid,
                                'host': selected.service_host,
                                'n': retry['num_attempts']})
            self.compute_rpcapi.build_and_run_instance(
                cctxt, instance=instance, host=selected.service_host,
                image=image, request_spec=request_spec,
                filter_properties=props, admin_password=admin_password,
                injected_files=injected_files,
                requested_networks=requested_networks,
                security_groups=security_groups,
                block_device_mapping=block_device_mapping,
                node=selected.nodename, limits=selected.limits,
                host_list=host_list)

    @staticmethod
    def _give_up(cctxt, instance, failures, unclaimed):
        exc = exception.MaxRetriesExceeded(
            reason=_explain(failures, unclaimed))
        LOG.warning('Instance %(uuid)s: %(reason)s',
                    {'uuid': instance.uuid, 'reason': exc.format_message()})
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        instance.save()
        compute_utils.add_instance_fault_from_exc(cctxt, instance, exc)
