"""/servers/{server_id}/diagnostics: the hypervisor's counters of a
running server. Up to 2.47 they are the driver's free-form dict (the
standard format of 2.48 is above this API's maximum)."""

from nova import context as nova_context
from nova import exception
from nova.compute import api as compute
from nova.compute import vm_states
from nova.i18n import _


class DiagnosticsNotAvailable(exception.Conflict):
    msg_fmt = _('Diagnostics of server %(instance_uuid)s are not '
                'available: %(reason)s')


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
        with nova_context.target_cell(ctxt, cell) as cctxt:
            instance._context = cctxt
            try:
                return self.compute_api.compute_rpcapi.get_diagnostics(
                    cctxt, instance)
            except NotImplementedError:
                raise exception.ActionNotSupportedByDriver(
                    host=instance.host, action='diagnostics')
            except exception.InstanceNotFound:
                raise DiagnosticsNotAvailable(
                    instance_uuid=instance.uuid,
                    reason=_('its host has no guest for it'))
