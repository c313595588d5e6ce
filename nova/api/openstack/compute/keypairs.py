"""/os-keypairs: a user's SSH keys, imported or generated."""

import nova.conf
from nova import exception, objects
from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common
from nova.api.openstack.compute import keypair_crypto as crypto
from nova.api.openstack.compute.schemas import keypairs as schema

CONF = nova.conf.CONF


class KeypairQuotaExceeded(exception.OverQuota):
    msg_fmt = 'Quota exceeded, too many key pairs (limit %(limit)d).'


def _time(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


class KeypairController:

    def _user_id(self, req, action):
        """The user whose keys are meant; other users' need admin (2.10)."""
        ctxt = req.context
        user_id = ctxt.user_id
        if avr.is_supported(req, '2.10'):
            user_id = req.GET.get('user_id') or user_id
        ctxt.can(f'os_compute_api:os-keypairs:{action}',
                 target={'user_id': user_id})
        return user_id

    def _view(self, req, keypair, full=False):
        body = {'name': keypair.name, 'public_key': keypair.public_key,
                'fingerprint': keypair.fingerprint}
        if avr.is_supported(req, '2.2'):
            body['type'] = keypair.type
        if full:
            body.update({
                'user_id': keypair.user_id,
                'deleted': False,
                'created_at': _time(keypair.created_at),
                'updated_at': _time(keypair.updated_at),
                'deleted_at': None,
                'id': keypair.id,
            })
        return body

    @validation.query_schema(schema.index_query_v235, '2.35')
    @validation.query_schema(schema.index_query_v210, '2.10', '2.34')
    def index(self, req):
        user_id = self._user_id(req, 'index')
        limit = marker = None
        if avr.is_supported(req, '2.35'):
            limit, marker = common.get_limit_and_marker(req)
        keypairs = objects.KeyPairList.get_by_user(
            req.context, user_id, limit=limit, marker=marker)
        bodies = [{'keypair': self._view(req, kp)} for kp in keypairs]
        result = {'keypairs': bodies}
        if limit is not None and len(bodies) == limit and bodies:
            links = common.next_link(
                req, 'os-keypairs', [b['keypair'] for b in bodies], limit,
                id_key='name')
            result['keypairs_links'] = links
        return result

    @validation.query_schema(schema.show_query_v210, '2.10')
    def show(self, req, id):
        user_id = self._user_id(req, 'show')
        keypair = objects.KeyPair.get_by_name(req.context, user_id, id)
        return {'keypair': self._view(req, keypair, full=True)}

    @validation.schema(schema.create_v210, '2.10')
    @validation.schema(schema.create_v22, '2.2', '2.9')
    @validation.schema(schema.create, '2.0', '2.1')
    def create(self, req, body):
        spec = body['keypair']
        ctxt = req.context
        user_id = spec.get('user_id') or ctxt.user_id
        ctxt.can('os_compute_api:os-keypairs:create',
                 target={'user_id': user_id})
        key_type = spec.get('type', 'ssh')
        limit = CONF.quota.key_pairs
        if limit >= 0 and objects.KeyPairList.get_count_by_user(
                ctxt, user_id) >= limit:
            raise KeypairQuotaExceeded(limit=limit)
        private_key = None
        public_key = spec.get('public_key')
        if public_key is None:
            if key_type != 'ssh':
                raise crypto.InvalidKeypair(
                    reason='only ssh keys can be generated; send the '
                           'x509 certificate as public_key')
            private_key, public_key, fingerprint = crypto.generate_ssh_key(
                'Generated-by-Nova')
        elif key_type == 'x509':
            fingerprint = crypto.x509_fingerprint(public_key)
        else:
            public_key = public_key.strip()
            fingerprint = crypto.ssh_fingerprint(public_key)
        keypair = objects.KeyPair(
            context=ctxt, name=spec['name'], user_id=user_id,
            public_key=public_key, fingerprint=fingerprint, type=key_type)
        keypair.create()
        view = self._view(req, keypair)
        view['user_id'] = user_id
        if private_key is not None:
            view['private_key'] = private_key
        code = 201 if avr.is_supported(req, '2.2') else 200
        return wsgi.ResponseObject({'keypair': view}, code=code)

    @validation.query_schema(schema.show_query_v210, '2.10')
    def delete(self, req, id):
        user_id = self._user_id(req, 'delete')
        objects.KeyPair.destroy_by_name(req.context, user_id, id)
        code = 204 if avr.is_supported(req, '2.2') else 202
        return wsgi.ResponseObject(None, code=code)
