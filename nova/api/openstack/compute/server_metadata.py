"""/servers/{server_id}/metadata: a server's key/value metadata."""

from nova import exception
from nova.api import validation, wsgi
from nova.api.openstack.compute.schemas import server_metadata as schema
from nova.compute import api as compute
from nova.compute import api_metadata

_RULE = 'os_compute_api:server-metadata:%s'


class ServerMetadataController:

    def __init__(self):
        self.compute_api = compute.API()

    def _server(self, req, server_id, rule):
        instance = self.compute_api.get(req.context, server_id)
        req.context.can(_RULE % rule,
                        target={'project_id': instance.project_id,
                                'user_id': instance.user_id})
        return instance

    def index(self, req, server_id):
        instance = self._server(req, server_id, 'index')
        return {'metadata': self.compute_api.get_metadata(req.context,
                                                          instance)}

    def show(self, req, server_id, id):
        instance = self._server(req, server_id, 'show')
        metadata = self.compute_api.get_metadata(req.context, instance)
        if id not in metadata:
            raise api_metadata.MetadataKeyNotFound(
                instance_uuid=instance.uuid, key=id)
        return {'meta': {id: metadata[id]}}

    @validation.schema(schema.metadata)
    def create(self, req, server_id, body):
        """Merge the given items into the server's metadata."""
        instance = self._server(req, server_id, 'create')
        return {'metadata': self.compute_api.update_metadata(
            req.context, instance, body['metadata'])}

    @validation.schema(schema.metadata)
    def update_all(self, req, server_id, body):
        """Replace the server's metadata by the given items."""
        instance = self._server(req, server_id, 'update_all')
        return {'metadata': self.compute_api.update_metadata(
            req.context, instance, body['metadata'], replace=True)}

    @validation.schema(schema.one_item)
    def update(self, req, server_id, id, body):
        (key, value), = body['meta'].items()
        if key != id:
            raise exception.ValidationError(
                detail=f'The metadata key in the body ({key}) must be the '
                       f'one in the URL ({id}).')
        instance = self._server(req, server_id, 'update')
        self.compute_api.update_metadata(req.context, instance, {key: value})
        return {'meta': {key: value}}

    @wsgi.response(204)
    def delete(self, req, server_id, id):
        instance = self._server(req, server_id, 'delete')
        self.compute_api.delete_metadata_item(req.context, instance, id)
