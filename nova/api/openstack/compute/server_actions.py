"""POST /servers/{id}/action: the actions that keep a server on its host.

The body names one action (``{"pause": null}``, ``{"reboot": {"type":
"SOFT"}}``, ...). Each handler checks its policy, validates its body
against its JSON-Schema for the request's microversion and hands the
work to the compute API, which checks the lock and the state table.
"""

from nova import exception
from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import errors
from nova.api.openstack.compute.schemas import server_actions as schema
from nova.compute import api as compute

# {action: (handler name, lowest microversion, success code)}
_ACTIONS = {
    'reboot': ('_reboot', '2.1', 202),
    'os-stop': ('_stop', '2.1', 202),
    'os-start': ('_start', '2.1', 202),
    'pause': ('_pause', '2.1', 202),
    'unpause': ('_unpause', '2.1', 202),
    'suspend': ('_suspend', '2.1', 202),
    'resume': ('_resume', '2.1', 202),
    'lock': ('_lock', '2.1', 202),
    'unlock': ('_unlock', '2.1', 202),
    'os-resetState': ('_reset_state', '2.1', 202),
    'changePassword': ('_change_password', '2.1', 202),
    'os-getConsoleOutput': ('_console_output', '2.1', 200),
    'trigger_crash_dump': ('_trigger_crash_dump', '2.17', 202),
}

_SCHEMAS = {
    'reboot': schema.reboot,
    'os-resetState': schema.reset_state,
    'changePassword': schema.change_password,
    'os-getConsoleOutput': schema.console_output,
}


class UnknownAction(exception.Invalid):
    msg_fmt = 'There is no such server action: %(action)s.'


class ServerActionsController:

    def __init__(self):
        self.compute_api = compute.API()

    def action(self, req, id, body):
        if not isinstance(body, dict) or len(body) != 1:
            raise exception.ValidationError(
                detail='The body of a server action names exactly one '
                       'action, e.g. {"reboot": {"type": "SOFT"}}; got '
                       f'{sorted(body) if isinstance(body, dict) else body}.')
        (name,) = body
        entry = _ACTIONS.get(name)
        if entry is None:
            raise UnknownAction(action=name)
        if not avr.is_supported(req, entry[1]):
            # An action newer than the request's microversion is a method
            # that does not exist at that version.
            raise errors.VersionNotFoundForAPIMethod(
                version=req.api_version_request.get_string())
        handler, _min_version, code = entry
        validation.validate(_SCHEMAS.get(name) or schema.no_args(name), body)
        instance = self.compute_api.get(req.context, id)
        result = getattr(self, handler)(req, instance, body[name])
        return wsgi.ResponseObject(result, code=code)

    @staticmethod
    def _can(req, instance, rule):
        req.context.can(rule, target={'project_id': instance.project_id,
                                      'user_id': instance.user_id})

    # Power --------------------------------------------------------------

    def _reboot(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:reboot')
        self.compute_api.reboot(req.context, instance, args['type'].upper())

    def _stop(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:stop')
        self.compute_api.stop(req.context, instance)

    def _start(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:start')
        self.compute_api.start(req.context, instance)

    def _pause(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-pause-server:pause')
        self.compute_api.pause(req.context, instance)

    def _unpause(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-pause-server:unpause')
        self.compute_api.unpause(req.context, instance)

    def _suspend(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-suspend-server:suspend')
        self.compute_api.suspend(req.context, instance)

    def _resume(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-suspend-server:resume')
        self.compute_api.resume(req.context, instance)

    def _trigger_crash_dump(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:trigger_crash_dump')
        self.compute_api.trigger_crash_dump(req.context, instance)

    # Lock, state, password, console -------------------------------------

    def _lock(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-lock-server:lock')
        self.compute_api.lock(req.context, instance)

    def _unlock(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-lock-server:unlock')
        if instance.locked and instance.locked_by == 'admin' and \
                instance.project_id == req.context.project_id:
            # An owner may not lift an admin's lock without this rule.
            self._can(req, instance,
                      'os_compute_api:os-lock-server:unlock:unlock_override')
        self.compute_api.unlock(req.context, instance)

    def _reset_state(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-admin-actions:reset_state')
        self.compute_api.reset_state(req.context, instance, args['state'])

    def _change_password(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-admin-password')
        self.compute_api.set_admin_password(req.context, instance,
                                            args['adminPass'])

    def _console_output(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-console-output')
        length = (args or {}).get('length')
        if length is not None:
            length = int(length)
            if length < -1:
                raise exception.ValidationError(
                    detail=f'Invalid length {length}: give a number of '
                           'lines, or -1 for the whole console log.')
        output = self.compute_api.get_console_output(req.context, instance,
                                                     tail_length=length)
        return {'output': output}
