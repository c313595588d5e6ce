"""GET /os-migrations: the moves of servers, for admins, across cells.

Filters (query string): host (source or destination), status,
migration_type, instance_uuid, source_compute. 2.23 adds
``migration_type`` to each migration and ``links`` to the live
migrations in progress (``/servers/{id}/migrations/{migration_id}``).
"""

from oslo_log import log as logging

from nova import context as nova_context
from nova import objects
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common
from nova.compute import api_moves

LOG = logging.getLogger(__name__)

_FILTERS = ('host', 'status', 'migration_type', 'instance_uuid',
            'source_compute')
_FIELDS = ('id', 'dest_compute', 'dest_host', 'dest_node', 'instance_uuid',
           'new_instance_type_id', 'old_instance_type_id', 'source_compute',
           'source_node', 'status')


def _isotime(value):
    if value is None:
        return None
    return value.replace(tzinfo=None).isoformat()


def _view(req, migration):
    body = {name: getattr(migration, name) for name in _FIELDS}
    body['created_at'] = _isotime(migration.created_at)
    body['updated_at'] = _isotime(migration.updated_at)
    if avr.is_supported(req, '2.23'):
        body['migration_type'] = migration.migration_type
        if migration.migration_type == 'live-migration' and \
                migration.status in api_moves.LIVE_IN_PROGRESS:
            body['links'] = common.resource_links(
                req, f'servers/{migration.instance_uuid}/migrations',
                migration.id)
    return body


class MigrationsController:

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
        found.sort(key=lambda m: (m.created_at, m.id), reverse=True)
        return {'migrations': [_view(req, m) for m in found]}
