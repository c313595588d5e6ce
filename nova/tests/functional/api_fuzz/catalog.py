"""Every route of the Compute API router, with its request schemas.

The rows come from the same tables ``APIRouterV21`` is built from; the
schemas from the controllers themselves: the ``@validation.schema`` and
``@validation.query_schema`` stacks of each handler, and for the
``/action`` routes (one body per action) the action tables of their
controllers. Nothing here is a second copy of the API's contract.
"""

import dataclasses

from nova import objects
from nova.api.openstack import api_version_request as avr
from nova.api.openstack.compute import (
    admin_routes,
    extension_routes,
    removed,
    routes,
    server_actions,
    server_migrations,
)
from nova.api.openstack.compute.schemas import aggregates as aggregate_schema
from nova.api.openstack.compute.schemas import flavor_access as access_schema
from nova.api.openstack.compute.schemas import server_actions as action_schema
from nova.api.openstack.compute.schemas import services as service_schema

BODY_METHODS = ('POST', 'PUT')


def version_tuple(text):
    major, minor = text.split('.')
    return int(major), int(minor)


MIN = version_tuple(avr.MIN_VERSION)
MAX = version_tuple(avr.MAX_VERSION)


def _in_range(version, low, high):
    low = version_tuple(low) if low else (0, 0)
    high = version_tuple(high) if high else (99, 99)
    return low <= version <= high


@dataclasses.dataclass
class Route:
    method: str
    path: str            # template, e.g. /servers/{server_id}/tags/{tag}
    controller: object
    action: str
    removed: bool

    @property
    def name(self):
        return f'{self.method} {self.path}'

    @property
    def params(self):
        return [seg[1:-1] for seg in self.path.split('/')
                if seg.startswith('{')]

    def handler(self):
        return getattr(self.controller, self.action, None)

    def takes_body(self):
        return self.method in BODY_METHODS

    def body_schemas(self, version):
        """Candidate body schemas at ``version`` (a (major, minor))."""
        special = _ACTION_SCHEMAS.get(type(self.controller).__name__)
        if special is not None and self.action in ('action', 'update'):
            return special(version)
        return _decorated(self.handler(), '_body_schemas', version)

    def query_schemas(self, version):
        return _decorated(self.handler(), '_query_schemas', version)


def _decorated(handler, attr, version):
    for schema, low, high in getattr(handler, attr, ()):
        if _in_range(version, low, high):
            return [schema]
    return []


def _server_action_schemas(version):
    found = []
    for name, (_handler, low, _code) in server_actions._ACTIONS.items():
        if not _in_range(version, low, None):
            continue
        if name == 'rebuild':
            found.append(action_schema.rebuild(_in_range(version, '2.19',
                                                         None)))
        elif name == 'evacuate':
            found.append(action_schema.evacuate(
                _in_range(version, '2.14', None),
                _in_range(version, '2.29', None)))
        elif name == 'os-migrateLive':
            found.append(action_schema.migrate_live(
                _in_range(version, '2.25', None),
                _in_range(version, '2.30', None)))
        else:
            found.append(server_actions._SCHEMAS.get(name) or
                         action_schema.no_args(name))
    return found


def _service_schemas(version):
    found = [service_schema.service_update, service_schema.disable_log_reason]
    if _in_range(version, '2.11', None):
        found.append(service_schema.force_down)
    return found


# Controllers whose one handler takes several bodies (one per action).
_ACTION_SCHEMAS = {
    'ServerActionsController': _server_action_schemas,
    'AggregateController': lambda version: [
        aggregate_schema.add_host, aggregate_schema.remove_host,
        aggregate_schema.set_metadata],
    'FlavorActionController': lambda version: list(
        access_schema.ACTIONS.values()),
    'ServerMigrationsController': lambda version: [
        server_migrations._FORCE_COMPLETE],
    'ServiceController': _service_schemas,
}


def all_routes():
    """Every (method, path) the v2.1 router serves, once."""
    objects.register_all()
    table = (list(routes._routes()) + list(admin_routes.routes()) +
             list(extension_routes.routes()))
    found = []
    for path, methods in table:
        for method, (resource, action) in methods.items():
            controller = resource.controller
            found.append(Route(method, path or '/', controller, action,
                               isinstance(controller,
                                          removed.RemovedController)))
    return found


# The actions that would destroy the resources the fuzzer keeps.
DESTRUCTIVE_ACTIONS = ('forceDelete',)

# PUT /os-services/{id}: the id names the action.
SERVICE_ACTIONS = ('enable', 'disable', 'disable-log-reason', 'force-down')
