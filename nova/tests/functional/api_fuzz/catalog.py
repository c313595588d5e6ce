"""Every route of the Compute API router, with its request schemas.

The rows come from the same tables ``APIRouterV21`` is built from; the
schemas from the OpenAPI generator's probe of the controllers
(``nova.api.openapi.introspect``), which also finds the schemas a
handler picks in code (one body per action of the ``/action`` routes).
Nothing here is a second copy of the API's contract.
"""

import dataclasses
import functools
import json

from nova import objects
from nova.api.openapi import introspect
from nova.api.openstack import api_version_request as avr
from nova.api.openstack.compute import (
    admin_routes,
    extension_routes,
    removed,
    routes,
)

BODY_METHODS = ('POST', 'PUT')


def version_tuple(text):
    major, minor = text.split('.')
    return int(major), int(minor)


MIN = version_tuple(avr.MIN_VERSION)
MAX = version_tuple(avr.MAX_VERSION)


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
        op = _probed().get((self.method, self.path))
        if op is None:
            return []
        unique = {}
        for schema in op.body_schemas(_version_string(version)):
            unique.setdefault(json.dumps(schema, sort_keys=True), schema)
        return list(unique.values())

    def query_schemas(self, version):
        op = _probed().get((self.method, self.path))
        schema = op.query_schema(_version_string(version)) if op else None
        return [schema] if schema else []


def _version_string(version):
    return f'{version[0]}.{version[1]}'


@functools.lru_cache(maxsize=1)
def _probed():
    return {(op.method, op.path): op for op in introspect.operations()}


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
SERVICE_ACTIONS = introspect.PATH_NAMED_ACTIONS[
    ('ServiceController', 'update')][1]
