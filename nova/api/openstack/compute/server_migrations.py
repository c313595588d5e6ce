"""/servers/{server_id}/migrations: the live migrations of one server.

POST .../{id}/action ``{"force_complete": null}`` (2.22) makes a running
live migration finish now; GET (2.23) lists and shows the live
migrations in progress; DELETE (2.24) aborts one that is running (from
2.65 also one queued or preparing). Admin only by default. From 2.80
each migration shows its ``user_id`` and ``project_id``.
"""

from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import errors
from nova.compute import api as compute

_FORCE_COMPLETE = {
    'type': 'object',
    'properties': {'force_complete': {'type': 'null'}},
    'required': ['force_complete'],
    'additionalProperties': False,
}


def _isotime(value):
    return None if value is None else \
        value.replace(tzinfo=None).isoformat()


def _view(req, migration):
    body = {name: getattr(migration, name) for name in (
        'id', 'dest_compute', 'dest_host', 'dest_node', 'source_compute',
        'source_node', 'status')}
    if avr.is_supported(req, '2.59'):
        body['uuid'] = migration.uuid
    body['server_uuid'] = migration.instance_uuid
    if avr.is_supported(req, '2.80'):
        body['user_id'] = migration.user_id
        body['project_id'] = migration.project_id
    body['created_at'] = _isotime(migration.created_at)
    body['updated_at'] = _isotime(migration.updated_at)
    # Null when the driver reports no copy progress.
    for kind in ('memory', 'disk'):
        for what in ('total', 'processed', 'remaining'):
            name = f'{kind}_{what}'
            body[f'{name}_bytes'] = getattr(migration, name) \
                if migration.obj_attr_is_set(name) else None
    return body


class ServerMigrationsController:

    def __init__(self):
        self.compute_api = compute.API()

    @staticmethod
    def _require(req, version):
        if not avr.is_supported(req, version):
            raise errors.VersionNotFoundForAPIMethod(
                version=req.api_version_request.get_string())

    def _instance(self, req, server_id, rule):
        instance = self.compute_api.get(req.context, server_id)
        req.context.can(f'os_compute_api:servers:migrations:{rule}',
                        target={'project_id': instance.project_id})
        return instance

    def index(self, req, server_id):
        self._require(req, '2.23')
        instance = self._instance(req, server_id, 'index')
        return {'migrations': [_view(req, m) for m in self.compute_api.
                               live_migrations_in_progress(req.context,
                                                           instance)]}

    def show(self, req, server_id, id):
        self._require(req, '2.23')
        instance = self._instance(req, server_id, 'show')
        return {'migration': _view(req, self.compute_api.
                                   live_migration_in_progress(
                                       req.context, instance, id))}

    def action(self, req, server_id, id, body):
        self._require(req, '2.22')
        validation.validate(_FORCE_COMPLETE, body)
        instance = self._instance(req, server_id, 'force_complete')
        self.compute_api.live_migrate_force_complete(req.context, instance,
                                                     id)
        return _accepted()

    def delete(self, req, server_id, id):
        self._require(req, '2.24')
        instance = self._instance(req, server_id, 'delete')
        # 2.65 may abort a live migration still queued or preparing.
        self.compute_api.live_migrate_abort(
            req.context, instance, id,
            queued_too=avr.is_supported(req, '2.65'))
        return _accepted()


def _accepted():
    return wsgi.ResponseObject(None, code=202)

