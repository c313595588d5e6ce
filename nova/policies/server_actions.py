"""Policies of the server actions, metadata and tags."""

from oslo_policy import policy

from nova.policies import base

_ACTION = '/servers/{server_id}/action'


def _rule(name, check, description, method='POST', path=_ACTION):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


_MEMBER = base.PROJECT_MEMBER_OR_ADMIN
_READER = base.PROJECT_READER_OR_ADMIN

action_rules = [
    _rule('os_compute_api:servers:reboot', _MEMBER,
          'Reboot a server (reboot).'),
    _rule('os_compute_api:servers:stop', _MEMBER,
          'Stop a server (os-stop).'),
    _rule('os_compute_api:servers:start', _MEMBER,
          'Start a stopped server (os-start).'),
    _rule('os_compute_api:servers:trigger_crash_dump', _MEMBER,
          'Make a server dump its memory (trigger_crash_dump, 2.17).'),
    _rule('os_compute_api:os-pause-server:pause', _MEMBER,
          'Pause a server.'),
    _rule('os_compute_api:os-pause-server:unpause', _MEMBER,
          'Unpause a paused server.'),
    _rule('os_compute_api:os-suspend-server:suspend', _MEMBER,
          'Suspend a server.'),
    _rule('os_compute_api:os-suspend-server:resume', _MEMBER,
          'Resume a suspended server.'),
    _rule('os_compute_api:os-lock-server:lock', _MEMBER,
          'Lock a server: only admins may act on it until unlocked.'),
    _rule('os_compute_api:os-lock-server:unlock', _MEMBER,
          'Unlock a server.'),
    _rule('os_compute_api:os-lock-server:unlock:unlock_override',
          base.ADMIN,
          'Unlock a server that an admin locked (its owner may not).'),
    _rule('os_compute_api:os-admin-actions:reset_state', base.ADMIN,
          'Reset the state of a server to active or error '
          '(os-resetState).'),
    _rule('os_compute_api:os-admin-password', _MEMBER,
          'Change the admin password of a server (changePassword).'),
    _rule('os_compute_api:os-console-output', _MEMBER,
          'Show the console output of a server (os-getConsoleOutput).'),
]

_META = '/servers/{server_id}/metadata'
metadata_rules = [
    _rule('os_compute_api:server-metadata:index', _READER,
          'List the metadata of a server.', 'GET', _META),
    _rule('os_compute_api:server-metadata:show', _READER,
          'Show one metadata item of a server.', 'GET', _META + '/{key}'),
    _rule('os_compute_api:server-metadata:create', _MEMBER,
          'Add or change metadata items of a server.', 'POST', _META),
    _rule('os_compute_api:server-metadata:update_all', _MEMBER,
          'Replace the metadata of a server.', 'PUT', _META),
    _rule('os_compute_api:server-metadata:update', _MEMBER,
          'Set one metadata item of a server.', 'PUT', _META + '/{key}'),
    _rule('os_compute_api:server-metadata:delete', _MEMBER,
          'Delete one metadata item of a server.', 'DELETE',
          _META + '/{key}'),
]

_TAGS = '/servers/{server_id}/tags'
tag_rules = [
    _rule('os_compute_api:os-server-tags:index', _READER,
          'List the tags of a server.', 'GET', _TAGS),
    _rule('os_compute_api:os-server-tags:show', _READER,
          'Check a tag of a server.', 'GET', _TAGS + '/{tag}'),
    _rule('os_compute_api:os-server-tags:update', _MEMBER,
          'Add a tag to a server.', 'PUT', _TAGS + '/{tag}'),
    _rule('os_compute_api:os-server-tags:update_all', _MEMBER,
          'Replace the tags of a server.', 'PUT', _TAGS),
    _rule('os_compute_api:os-server-tags:delete', _MEMBER,
          'Remove a tag from a server.', 'DELETE', _TAGS + '/{tag}'),
    _rule('os_compute_api:os-server-tags:delete_all', _MEMBER,
          'Remove all tags of a server.', 'DELETE', _TAGS),
]


def list_rules():
    return action_rules + metadata_rules + tag_rules
