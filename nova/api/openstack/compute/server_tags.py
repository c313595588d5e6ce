"""/servers/{server_id}/tags: a server's tags (microversion 2.26)."""

import urllib.parse

import jsonschema

from nova import exception
from nova.api import validation, wsgi
from nova.api.openstack import common
from nova.api.openstack.compute.schemas import server_tags as schema
from nova.api.validation import parameter_types as types
from nova.compute import api as compute

_RULE = 'os_compute_api:os-server-tags:%s'


def _check_tag(tag):
    """A tag from the URL gets the same checks as one in a body."""
    try:
        jsonschema.validate(tag, types.tag)
    except jsonschema.ValidationError:
        raise exception.ValidationError(
            detail=f'Invalid tag {tag!r}: a tag is 1 to 60 characters '
                   'without "," or "/".')


class ServerTagsController:

    def __init__(self):
        self.compute_api = compute.API()

    def _server(self, req, server_id, rule):
        instance = self.compute_api.get(req.context, server_id)
        req.context.can(_RULE % rule,
                        target={'project_id': instance.project_id,
                                'user_id': instance.user_id})
        return instance

    @wsgi.api_version('2.26')
    def index(self, req, server_id):
        instance = self._server(req, server_id, 'index')
        return {'tags': self.compute_api.get_tags(req.context, instance)}

    @wsgi.api_version('2.26')
    @wsgi.response(204)
    def show(self, req, server_id, tag):
        instance = self._server(req, server_id, 'show')
        if not self.compute_api.has_tag(req.context, instance, tag):
            raise exception.NotFound(
                f'Tag {tag} could not be found on server {server_id}.')

    @wsgi.api_version('2.26')
    @validation.schema(schema.update_all)
    def update_all(self, req, server_id, body):
        instance = self._server(req, server_id, 'update_all')
        return {'tags': self.compute_api.replace_tags(
            req.context, instance, body['tags'])}

    @wsgi.api_version('2.26')
    def update(self, req, server_id, tag):
        """Add one tag: 201 with its Location when new, 204 if there."""
        _check_tag(tag)
        instance = self._server(req, server_id, 'update')
        if not self.compute_api.add_tag(req.context, instance, tag):
            return wsgi.ResponseObject(None, code=204)
        location = common.resource_links(req, 'servers', server_id)[0][
            'href'] + '/tags/' + urllib.parse.quote(tag, safe='')
        return wsgi.ResponseObject(None, code=201,
                                   headers={'Location': location})

    @wsgi.api_version('2.26')
    @wsgi.response(204)
    def delete(self, req, server_id, tag):
        instance = self._server(req, server_id, 'delete')
        self.compute_api.delete_tag(req.context, instance, tag)

    @wsgi.api_version('2.26')
    @wsgi.response(204)
    def delete_all(self, req, server_id):
        instance = self._server(req, server_id, 'delete_all')
        self.compute_api.delete_all_tags(req.context, instance)
