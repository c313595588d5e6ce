"""GET /os-migrations: the moves of servers, for admins, across cells.

Filters (query string): host (source or destination), status,
migration_type, instance_uuid, source_compute. 2.23 adds
``migration_type`` to each migration and ``links`` to the live
migrations in progress (``/servers/{id}/migrations/{migration_id}``).
2.59 adds each migration's ``uuid``, pages with ``limit`` and
``marker`` (a migration uuid; ``migrations_links``) and filters by
``changes-since``; other query parameters are then refused. 2.66 adds
the ``changes-before`` filter. 2.80 shows the ``user_id`` and
``project_id`` of each migration (null for migrations recorded without
them) and filters by them.
"""

import copy

from oslo_log import log as logging
from oslo_utils import timeutils

from nova import context as nova_context
from nova import exception, objects
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common
from nova.api.validation import parameter_types as types
from nova.compute import api_moves

LOG = logging.getLogger(__name__)

_FILTERS = ('host', 'status', 'migration_type', 'instance_uuid',
            'source_compute')
_FIELDS = ('id', 'dest_compute', 'dest_host', 'dest_node', 'instance_uuid',
           'new_instance_type_id', 'old_instance_type_id', 'source_compute',
           'source_node', 'status')


_one = types.single({'type': 'string'})
index_query_v259 = {
    'type': 'object',
    'properties': {
        'hidden': _one, 'host': _one, 'instance_uuid': _one,
        'source_compute': _one, 'status': _one, 'migration_type': _one,
        'limit': types.query_limit,
        'marker': types.query_marker,
        'changes-since': types.single({'type': 'string', 'minLength': 1}),
    },
    'additionalProperties': False,
}

index_query_v266 = copy.deepcopy(index_query_v259)
index_query_v266['properties']['changes-before'] = types.single(
    {'type': 'string', 'minLength': 1})

index_query_v280 = copy.deepcopy(index_query_v266)
index_query_v280['properties'].update(user_id=_one, project_id=_one)
# 2.80 filters: not the migration object's own, matched here.
_OWNER_FILTERS = ('user_id', 'project_id')


def _isotime(value):
    if value is None:
        return None
    return value.replace(tzinfo=None).isoformat()


def _view(req, migration):
    body = {name: getattr(migration, name) for name in _FIELDS}
    body['created_at'] = _isotime(migration.created_at)
    body['updated_at'] = _isotime(migration.updated_at)
    if avr.is_supported(req, '2.59'):
        body['uuid'] = migration.uuid
    if avr.is_supported(req, '2.80'):
        body['user_id'] = migration.user_id
        body['project_id'] = migration.project_id
    if avr.is_supported(req, '2.23'):
        body['migration_type'] = migration.migration_type
        if migration.migration_type == 'live-migration' and \
                migration.status in api_moves.LIVE_IN_PROGRESS:
            body['links'] = common.resource_links(
                req, f'servers/{migration.instance_uuid}/migrations',
                migration.id)
    return body


def _page(req, found):
    """2.59: the migrations changed since ``changes-since`` (and, 2.66,
    at or before ``changes-before``), after the ``marker`` one, at most
    ``limit`` of them; and the next link."""
    changes = common.changes_filters(
        req, with_before=avr.is_supported(req, '2.66'))
    since = changes.get('changes-since')
    before = changes.get('changes-before')

    def changed(migration):
        return timeutils.normalize_time(migration.updated_at or
                                        migration.created_at)
    if since is not None:
        since = timeutils.normalize_time(since)
        found = [m for m in found if changed(m) >= since]
    if before is not None:
        before = timeutils.normalize_time(before)
        found = [m for m in found if changed(m) <= before]
    limit, marker = common.get_limit_and_marker(req)
    if marker is not None:
        uuids = [m.uuid for m in found]
        if marker not in uuids:
            raise exception.MarkerNotFound(marker=marker)
        found = found[uuids.index(marker) + 1:]
    return found[:limit], limit


class MigrationsController:

    @validation.query_schema(index_query_v280, '2.80')
    @validation.query_schema(index_query_v266, '2.66', '2.79')
    @validation.query_schema(index_query_v259, '2.59', '2.65')
    def index(self, req):
        req.context.can('os_compute_api:os-migrations:index')
        filters = {key: req.GET[key] for key in _FILTERS if req.GET.get(key)}
        filters['hidden'] = False
        if not avr.is_supported(req, '2.23'):
            # Before 2.23 live migrations are not listed.
            wanted = filters.get('migration_type')
            if wanted == 'live-migration':
                return {'migrations': []}
        cells = [cell for cell in objects.CellMappingList.get_all(
            req.context) if not cell.is_cell0()]
        results = nova_context.scatter_gather_cells(
            req.context, cells, objects.MigrationList.get_by_filters,
            filters)
        found = []
        for cell_uuid, result in results.items():
            if result is nova_context.did_not_respond_sentinel or \
                    isinstance(result, Exception):
                LOG.warning('Cell %s did not answer the migration list',
                            cell_uuid)
                continue
            found.extend(result)
        if avr.is_supported(req, '2.80'):
            for key in _OWNER_FILTERS:
                if req.GET.get(key):
                    found = [m for m in found
                             if getattr(m, key) == req.GET[key]]
        found.sort(key=lambda m: (m.created_at, m.id), reverse=True)
        if not avr.is_supported(req, '2.59'):
            return {'migrations': [_view(req, m) for m in found]}
        page, limit = _page(req, found)
        items = [_view(req, m) for m in page]
        result = {'migrations': items}
        links = common.next_link(req, 'os-migrations', items, limit,
                                 id_key='uuid')
        if links:
            result['migrations_links'] = links
        return result
