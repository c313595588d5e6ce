"""GET /os-console-auth-tokens/{console_token}: where the console a
token opens is, for an admin (or a console proxy acting as one).

Showing does not use the token up; only a proxy connecting with it does
(``ConsoleAuthToken.validate(consume=True)``). An unknown, expired or
used token, or one of a deleted server, is a 404. Before 2.31 only
``rdp-html5`` tokens could be shown; this service has no RDP consoles,
so it answers 400 there.
"""

from nova import context as nova_context
from nova import exception, objects
from nova.api.openstack import api_version_request as avr
from nova.i18n import _
from nova.objects import console_auth_token

POLICY = 'os_compute_api:os-console-auth-tokens'


class ConsoleTokenNotFound(exception.NotFound):
    # Not the token in the message: it is a credential.
    msg_fmt = _('The console token is unknown, expired or already used.')


class RDPOnlyBefore231(exception.Invalid):
    msg_fmt = _('Before microversion 2.31 only the tokens of rdp-html5 '
                'consoles can be shown, and this service has no RDP '
                'consoles; use microversion 2.31 or later.')


def find_token(context, token, consume=False):
    """The ConsoleAuthToken of ``token`` from the cell that holds it, or
    None. Tokens live in the cell DB of their instance (never cell0)."""
    for cell in objects.CellMappingList.get_all(context):
        if cell.is_cell0():
            continue
        with nova_context.target_cell(context, cell) as cctxt:
            try:
                return objects.ConsoleAuthToken.validate(cctxt, token,
                                                         consume=consume)
            except console_auth_token.InvalidToken:
                continue
    return None


class ConsoleAuthTokensController:

    def show(self, req, id):
        req.context.can(POLICY, target={'project_id':
                                        req.context.project_id})
        if not avr.is_supported(req, '2.31'):
            raise RDPOnlyBefore231()
        record = find_token(req.context, id)
        if record is None:
            raise ConsoleTokenNotFound()
        return {'console': {
            'instance_uuid': record.instance_uuid,
            'host': record.host,
            'port': record.port,
            'internal_access_path': record.internal_access_path,
        }}
