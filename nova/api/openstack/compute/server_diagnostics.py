"""/servers/{server_id}/diagnostics: the hypervisor's counters of a
running server.

Up to 2.47 they are the driver's free-form dict. From 2.48 they have one
standard shape whatever the driver; a compute whose driver cannot give
it answers 501, as the Compute API documents for drivers without it.
"""

from nova import context as nova_context
from nova import exception
from nova.api.openstack import api_version_request as avr
from nova.compute import api as compute
from nova.compute import vm_states
from nova.i18n import _


class DiagnosticsNotAvailable(exception.Conflict):
    msg_fmt = _('Diagnostics of server %(instance_uuid)s are not '
                'available: %(reason)s')


# The standard body of 2.48: top-level fields (absent ones are null) and
# the fields of each item of the detail lists.
_TOP = ('state', 'driver', 'hypervisor', 'hypervisor_os', 'uptime')
_CPU = ('id', 'time', 'utilisation')
_NIC = ('mac_address', 'rx_octets', 'rx_errors', 'rx_drop', 'rx_packets',
        'rx_rate', 'tx_octets', 'tx_errors', 'tx_drop', 'tx_packets',
        'tx_rate')
_DISK = ('read_bytes', 'read_requests', 'write_bytes', 'write_requests',
         'errors_count')


def _items(values, fields):
    return [{name: (item or {}).get(name) for name in fields}
            for item in values or []]


def standard_view(diag):
    """The 2.48 body from what a driver reports in the standard format:
    every documented field is present, the unknown ones null."""
    body = {name: diag.get(name) for name in _TOP}
    memory = diag.get('memory_details') or {}
    body['memory_details'] = {'maximum': memory.get('maximum'),
                              'used': memory.get('used')}
    body['cpu_details'] = _items(diag.get('cpu_details'), _CPU)
    body['nic_details'] = _items(diag.get('nic_details'), _NIC)
    body['disk_details'] = _items(diag.get('disk_details'), _DISK)
    body['config_drive'] = bool(diag.get('config_drive', False))
    for count, details in (('num_cpus', 'cpu_details'),
                           ('num_nics', 'nic_details'),
                           ('num_disks', 'disk_details')):
        value = diag.get(count)
        body[count] = int(value) if value is not None else len(
            body[details])
    return body


class ServerDiagnosticsController:

    def __init__(self):
        self.compute_api = compute.API()

    def index(self, req, server_id):
        ctxt = req.context
        instance = self.compute_api.get(ctxt, server_id)
        ctxt.can('os_compute_api:os-server-diagnostics',
                 target={'project_id': instance.project_id})
        if instance.vm_state != vm_states.ACTIVE:
            raise exception.InstanceInvalidState(
                method='get the diagnostics of', attr='vm_state',
                instance_uuid=instance.uuid, state=instance.vm_state)
        cell = None
        if instance.obj_attr_is_set('id') and instance.host:
            cell = self.compute_api.cell_of(ctxt, instance.uuid)
        if cell is None:
            raise DiagnosticsNotAvailable(
                instance_uuid=instance.uuid,
                reason=_('it is not on a compute host yet'))
        rpcapi = self.compute_api.compute_rpcapi
        standard = avr.is_supported(req, '2.48')
        if standard:
            # The standard format is asked of the compute with its own
            # call; a compute RPC API without it is a driver without it.
            call = getattr(rpcapi, 'get_instance_diagnostics', None)
        else:
            call = rpcapi.get_diagnostics
        if call is None:
            raise exception.ActionNotSupportedByDriver(
                host=instance.host, action='standard diagnostics')
        with nova_context.target_cell(ctxt, cell) as cctxt:
            instance._context = cctxt
            try:
                result = call(cctxt, instance)
            except NotImplementedError:
                raise exception.ActionNotSupportedByDriver(
                    host=instance.host,
                    action='standard diagnostics' if standard
                    else 'diagnostics')
            except exception.InstanceNotFound:
                raise DiagnosticsNotAvailable(
                    instance_uuid=instance.uuid,
                    reason=_('its host has no guest for it'))
        return standard_view(result) if standard else result
