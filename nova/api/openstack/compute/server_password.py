"""/servers/{server_id}/os-server-password: the admin password a guest
posted (encrypted with the server's public key) through the metadata
service.

It is kept in the server's system metadata, cut in chunks of 255
characters (``password_0`` .. ``password_3``) because a system metadata
value holds at most 255.
"""

from nova import context as nova_context
from nova.api import wsgi
from nova.compute import api as compute

CHUNKS = 4
CHUNK_SIZE = 255


def _keys():
    return [f'password_{i}' for i in range(CHUNKS)]


def extract_password(instance):
    sysmeta = instance.system_metadata or {}
    return ''.join(sysmeta.get(key) or '' for key in _keys())


def password_chunks(password):
    """The system metadata items that store ``password``."""
    return {key: password[i * CHUNK_SIZE:(i + 1) * CHUNK_SIZE]
            for i, key in enumerate(_keys())}


class ServerPasswordController:

    def __init__(self):
        self.compute_api = compute.API()

    def _server(self, req, server_id, rule):
        instance = self.compute_api.get(req.context, server_id,
                                        expected_attrs=['system_metadata'])
        req.context.can(f'os_compute_api:os-server-password:{rule}',
                        target={'project_id': instance.project_id,
                                'user_id': instance.user_id})
        return instance

    def index(self, req, server_id):
        instance = self._server(req, server_id, 'show')
        return {'password': extract_password(instance)}

    @wsgi.response(204)
    def clear(self, req, server_id):
        instance = self._server(req, server_id, 'clear')
        if not extract_password(instance):
            return
        cell = self.compute_api.cell_of(req.context, instance.uuid)
        with nova_context.target_cell(req.context, cell) as cctxt:
            instance._context = cctxt
            sysmeta = dict(instance.system_metadata)
            sysmeta.update(password_chunks(''))
            instance.system_metadata = sysmeta
            instance.save()
