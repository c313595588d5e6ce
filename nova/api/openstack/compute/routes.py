"""URL map of the Compute API v2.1: one row per path, one handler per verb.

Unknown paths are 404; a known path with an unknown verb is 405.
"""

import routes
import routes.middleware
import webob.dec

from nova.api import wsgi
from nova.api.openstack import errors, faults
from nova.api.openstack.compute import (
    admin_routes,
    extension_routes,
    flavor_extra_specs,
    flavors,
    images,
    instance_actions,
    keypairs,
    migrations,
    server_actions,
    server_metadata,
    server_migrations,
    server_tags,
    servers,
    version_doc,
)


def _routes():
    server_ctl = wsgi.Resource(servers.ServersController())
    flavor_ctl = wsgi.Resource(flavors.FlavorsController())
    extra_spec_ctl = wsgi.Resource(
        flavor_extra_specs.FlavorExtraSpecsController())
    image_ctl = wsgi.Resource(images.ImagesController())
    action_ctl = wsgi.Resource(instance_actions.InstanceActionsController())
    keypair_ctl = wsgi.Resource(keypairs.KeypairController())
    version_ctl = wsgi.Resource(version_doc.VersionController())
    server_action_ctl = wsgi.Resource(
        server_actions.ServerActionsController())
    metadata_ctl = wsgi.Resource(server_metadata.ServerMetadataController())
    tag_ctl = wsgi.Resource(server_tags.ServerTagsController())
    migration_ctl = wsgi.Resource(migrations.MigrationsController())
    server_migration_ctl = wsgi.Resource(
        server_migrations.ServerMigrationsController())
    return (
        ('', {'GET': (version_ctl, 'show')}),
        ('/', {'GET': (version_ctl, 'show')}),
        ('/servers', {'GET': (server_ctl, 'index'),
                      'POST': (server_ctl, 'create')}),
        ('/servers/detail', {'GET': (server_ctl, 'detail')}),
        ('/servers/{id}', {'GET': (server_ctl, 'show'),
                           'PUT': (server_ctl, 'update'),
                           'DELETE': (server_ctl, 'delete')}),
        ('/servers/{server_id}/os-instance-actions',
         {'GET': (action_ctl, 'index')}),
        ('/servers/{server_id}/os-instance-actions/{id}',
         {'GET': (action_ctl, 'show')}),
        ('/servers/{id}/action', {'POST': (server_action_ctl, 'action')}),
        ('/servers/{server_id}/metadata',
         {'GET': (metadata_ctl, 'index'), 'POST': (metadata_ctl, 'create'),
          'PUT': (metadata_ctl, 'update_all')}),
        ('/servers/{server_id}/metadata/{id}',
         {'GET': (metadata_ctl, 'show'), 'PUT': (metadata_ctl, 'update'),
          'DELETE': (metadata_ctl, 'delete')}),
        ('/servers/{server_id}/tags',
         {'GET': (tag_ctl, 'index'), 'PUT': (tag_ctl, 'update_all'),
          'DELETE': (tag_ctl, 'delete_all')}),
        ('/servers/{server_id}/tags/{tag}',
         {'GET': (tag_ctl, 'show'), 'PUT': (tag_ctl, 'update'),
          'DELETE': (tag_ctl, 'delete')}),
        ('/flavors', {'GET': (flavor_ctl, 'index'),
                      'POST': (flavor_ctl, 'create')}),
        ('/flavors/detail', {'GET': (flavor_ctl, 'detail')}),
        ('/flavors/{flavor_id}/os-extra_specs',
         {'GET': (extra_spec_ctl, 'index'),
          'POST': (extra_spec_ctl, 'create')}),
        ('/flavors/{flavor_id}/os-extra_specs/{id}',
         {'GET': (extra_spec_ctl, 'show'),
          'PUT': (extra_spec_ctl, 'update'),
          'DELETE': (extra_spec_ctl, 'delete')}),
        ('/flavors/{id}', {'GET': (flavor_ctl, 'show'),
                           'PUT': (flavor_ctl, 'update'),
                           'DELETE': (flavor_ctl, 'delete')}),
        ('/os-migrations', {'GET': (migration_ctl, 'index')}),
        ('/servers/{server_id}/migrations',
         {'GET': (server_migration_ctl, 'index')}),
        ('/servers/{server_id}/migrations/{id}',
         {'GET': (server_migration_ctl, 'show'),
          'DELETE': (server_migration_ctl, 'delete')}),
        ('/servers/{server_id}/migrations/{id}/action',
         {'POST': (server_migration_ctl, 'action')}),
        ('/images', {'GET': (image_ctl, 'index')}),
        ('/images/detail', {'GET': (image_ctl, 'detail')}),
        ('/images/{id}', {'GET': (image_ctl, 'show')}),
        ('/os-keypairs', {'GET': (keypair_ctl, 'index'),
                          'POST': (keypair_ctl, 'create')}),
        ('/os-keypairs/{id}', {'GET': (keypair_ctl, 'show'),
                               'DELETE': (keypair_ctl, 'delete')}),
    )


@webob.dec.wsgify
def _not_found(req):
    return faults.fault_response(404, 'The resource could not be found.')


class _BadMethod:
    def __init__(self, allowed):
        self.allowed = allowed

    @webob.dec.wsgify
    def __call__(self, req):
        exc = errors.MethodNotAllowed(method=req.method)
        return faults.fault_response(
            405, exc.format_message(),
            headers={'Allow': ', '.join(sorted(self.allowed))})


class APIRouterV21:
    """Routes /v2.1/... requests to the controllers."""

    def __init__(self):
        mapper = routes.Mapper()
        table = list(_routes())
        table += list(admin_routes.routes())
        table += list(extension_routes.routes())
        # The project id in the URL is optional (it is required before
        # 2.18 by the API, but clients of any version may send it).
        table += [('/{project_id}' + path, methods)
                  for path, methods in table if path not in ('', '/')]
        for path, methods in table:
            for method, (resource, action) in methods.items():
                mapper.connect(path, controller=resource, action=action,
                               conditions={'method': [method]})
                if method == 'GET':
                    mapper.connect(path, controller=resource, action=action,
                                   conditions={'method': ['HEAD']})
            # Last match for the path: a verb it does not have.
            mapper.connect(path, controller=_BadMethod(methods),
                           action='__call__')
        self.map = mapper
        # No "_method" override from form fields: the verb is the
        # request's (parsing a form body to look for it also fails on
        # malformed multipart bodies).
        self._router = routes.middleware.RoutesMiddleware(
            self._dispatch, self.map, use_method_override=False)

    @webob.dec.wsgify
    def __call__(self, req):
        return self._router

    @staticmethod
    @webob.dec.wsgify
    def _dispatch(req):
        match = req.environ['wsgiorg.routing_args'][1]
        if not match:
            return _not_found
        return match['controller']

    @classmethod
    def factory(cls, global_config, **local_config):
        return cls()
