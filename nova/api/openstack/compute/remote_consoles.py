"""Remote consoles of a server: a URL of the console proxy holding a
single-use token that expires (``[consoleauth] token_ttl``).

``POST /servers/{server_id}/remote-consoles`` (2.6) takes a protocol and
a type and answers ``{"remote_console": {"protocol", "type", "url"}}``;
2.8 adds ``mks``/``webmks``. Before 2.6 the same is asked with the server
actions ``os-getVNCConsole``, ``os-getSPICEConsole``,
``os-getSerialConsole`` and ``os-getRDPConsole``, which answer
``{"console": {"type", "url"}}`` (dispatched by
:mod:`nova.api.openstack.compute.server_actions`, handled here).

A console this service or the server's hypervisor does not offer is a
400 (RDP went with the Hyper-V driver; MKS needs VMware; SPICE and serial
consoles are off unless ``[spice]``/``[serial_console] enabled``); a
server not running on a host is a 409.
"""

from nova import context as nova_context
from nova import exception
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import errors
from nova.api.openstack.compute.schemas import remote_consoles as schema
from nova.compute import api as compute
from nova.compute import task_states, vm_states
from nova.i18n import _

POLICY = 'os_compute_api:os-remote-consoles'

# A console shows a running guest.
CONSOLE_VM_STATES = (vm_states.ACTIVE, vm_states.PAUSED, vm_states.RESCUED,
                     vm_states.RESIZED)

# The compute RPC method of each protocol this service offers.
_RPC_METHODS = {'vnc': 'get_vnc_console', 'spice': 'get_spice_console',
                'serial': 'get_serial_console'}

_NOT_OFFERED = {
    'rdp': _('RDP consoles were offered by the Hyper-V driver only, which '
             'this service does not have'),
    'mks': _('MKS consoles need the VMware driver, which this service '
             'does not have'),
    'xvpvnc': _('the XVP VNC proxy is not part of this service; ask for '
                'type novnc'),
}


class ConsoleTypeInvalid(exception.Invalid):
    msg_fmt = _('Invalid console type %(console_type)s for protocol '
                '%(protocol)s: it has type %(types)s.')


class ConsoleTypeUnavailable(exception.Invalid):
    msg_fmt = _('Unavailable console type %(console_type)s: %(reason)s.')


def get_console(compute_api, context, instance, protocol, console_type):
    """The proxy URL (with a new token) of a console of ``instance``."""
    types = schema.TYPES_OF_PROTOCOL[protocol]
    if console_type not in types:
        raise ConsoleTypeInvalid(console_type=console_type,
                                 protocol=protocol, types=', '.join(types))
    reason = _NOT_OFFERED.get(protocol) or _NOT_OFFERED.get(console_type)
    if reason:
        raise ConsoleTypeUnavailable(console_type=console_type,
                                     reason=reason)
    vm_state = instance.vm_state if instance.obj_attr_is_set('id') \
        else vm_states.BUILDING
    if vm_state not in CONSOLE_VM_STATES:
        raise exception.InstanceInvalidState(
            method=_('open a console of'), attr='vm_state',
            instance_uuid=instance.uuid, state=vm_state)
    if instance.task_state == task_states.DELETING:
        raise exception.InstanceInvalidState(
            method=_('open a console of'), attr='task_state',
            instance_uuid=instance.uuid, state=instance.task_state)
    cell = compute_api.cell_of(context, instance.uuid)
    if cell is None or not instance.host:
        raise exception.InstanceInvalidState(
            method=_('open a console of'), attr='vm_state',
            instance_uuid=instance.uuid, state=vm_states.BUILDING)
    rpc_method = getattr(compute_api.compute_rpcapi, _RPC_METHODS[protocol])
    with nova_context.target_cell(context, cell) as cctxt:
        instance._context = cctxt
        return rpc_method(cctxt, instance, console_type=console_type)['url']


def _can(req, instance):
    req.context.can(POLICY, target={'project_id': instance.project_id,
                                    'user_id': instance.user_id})


class RemoteConsolesController:

    def __init__(self):
        self.compute_api = compute.API()

    @validation.schema(schema.create_v28, '2.8')
    @validation.schema(schema.create_v26, '2.6', '2.7')
    def create(self, req, server_id, body):
        if not avr.is_supported(req, '2.6'):
            raise errors.VersionNotFoundForAPIMethod(
                version=req.api_version_request.get_string())
        protocol = body['remote_console']['protocol']
        console_type = body['remote_console']['type']
        instance = self.compute_api.get(req.context, server_id)
        _can(req, instance)
        url = get_console(self.compute_api, req.context, instance, protocol,
                          console_type)
        return {'remote_console': {'protocol': protocol,
                                   'type': console_type, 'url': url}}


def legacy_action(compute_api, req, instance, action, args):
    """One of the get-console server actions (2.1 - 2.5): its body was
    validated against ``schema.LEGACY_ACTIONS[action]``."""
    if avr.is_supported(req, '2.6'):
        # Replaced by POST /servers/{server_id}/remote-consoles.
        raise errors.VersionNotFoundForAPIMethod(
            version=req.api_version_request.get_string())
    _can(req, instance)
    protocol = schema.LEGACY_ACTIONS[action][0]
    url = get_console(compute_api, req.context, instance, protocol,
                      args['type'])
    return {'console': {'type': args['type'], 'url': url}}
