"""Policies of the server actions that move, rebuild, shelve, snapshot,
rescue or soft-delete a server."""

from oslo_policy import policy

from nova.policies import base

_ACTION = '/servers/{server_id}/action'


def _rule(name, check, description, method='POST', path=_ACTION):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


_MEMBER = base.PROJECT_MEMBER_OR_ADMIN

rules = [
    _rule('os_compute_api:servers:resize', _MEMBER,
          'Resize a server to another flavor (resize).'),
    _rule('os_compute_api:servers:confirm_resize', _MEMBER,
          'Confirm a resize or migration (confirmResize).'),
    _rule('os_compute_api:servers:revert_resize', _MEMBER,
          'Revert a resize or migration (revertResize).'),
    _rule('os_compute_api:os-migrate-server:migrate', base.ADMIN,
          'Cold migrate a server to a host the scheduler picks '
          '(migrate).'),
    _rule('os_compute_api:os-migrate-server:migrate_live', base.ADMIN,
          'Live migrate a server to another host (os-migrateLive).'),
    _rule('os_compute_api:os-evacuate', base.ADMIN,
          'Rebuild a server of a down host on another host (evacuate).'),
    _rule('os_compute_api:servers:rebuild', _MEMBER,
          'Rebuild a server, optionally from another image (rebuild).'),
    _rule('os_compute_api:servers:rebuild:trusted_certs', _MEMBER,
          'Rebuild a server with trusted_image_certificates (2.63).'),
    _rule('os_compute_api:servers:create_image', _MEMBER,
          'Snapshot a server to an image (createImage).'),
    _rule('os_compute_api:os-create-backup', _MEMBER,
          'Back a server up to a rotated image (createBackup).'),
    _rule('os_compute_api:os-shelve:shelve', _MEMBER,
          'Shelve a server (shelve).'),
    _rule('os_compute_api:os-shelve:shelve_offload', base.ADMIN,
          'Offload a shelved server from its host (shelveOffload).'),
    _rule('os_compute_api:os-shelve:unshelve', _MEMBER,
          'Unshelve a shelved server (unshelve).'),
    _rule('os_compute_api:os-shelve:unshelve_to_host', base.ADMIN,
          'Unshelve an offloaded server to a given host (unshelve with '
          'host, 2.91).'),
    _rule('os_compute_api:os-rescue', _MEMBER,
          'Boot a server from a rescue image (rescue).'),
    _rule('os_compute_api:os-unrescue', _MEMBER,
          'Leave rescue mode (unrescue).'),
    _rule('os_compute_api:os-deferred-delete:restore', _MEMBER,
          'Restore a soft-deleted server (restore).'),
    _rule('os_compute_api:os-deferred-delete:force', _MEMBER,
          'Delete a soft-deleted server at once (forceDelete).'),
    _rule('os_compute_api:servers:migrations:index', base.ADMIN,
          'List the live migrations in progress of a server.', 'GET',
          '/servers/{server_id}/migrations'),
    _rule('os_compute_api:servers:migrations:show', base.ADMIN,
          'Show a live migration in progress of a server.', 'GET',
          '/servers/{server_id}/migrations/{migration_id}'),
    _rule('os_compute_api:servers:migrations:force_complete', base.ADMIN,
          'Make a running live migration finish now (force_complete).',
          'POST', '/servers/{server_id}/migrations/{migration_id}/action'),
    _rule('os_compute_api:servers:migrations:delete', base.ADMIN,
          'Abort a live migration of a server.', 'DELETE',
          '/servers/{server_id}/migrations/{migration_id}'),
    _rule('os_compute_api:os-migrations:index', base.ADMIN,
          'List the migrations of servers (GET /os-migrations).', 'GET',
          '/os-migrations'),
]


def list_rules():
    return rules
