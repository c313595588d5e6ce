"""WSGI middleware of the Compute API pipeline (see api-paste.ini).

Each class has a paste ``factory`` so the pipeline can name it.
"""

import webob
import webob.dec
import webob.exc
from oslo_log import log as logging
from oslo_middleware import request_id

import nova.conf
from nova import context, exception
from nova.api.openstack import errors, faults

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class Middleware:
    """Base: wraps ``application``; paste builds it via ``factory``."""

    def __init__(self, application, **local_conf):
        self.application = application

    @classmethod
    def factory(cls, global_config, **local_config):
        def _factory(app):
            return cls(app, **local_config)
        return _factory


class RequestId(request_id.RequestId):
    """x-openstack-request-id, and x-compute-request-id as the API has."""
    compat_headers = ('x-compute-request-id',)


class FaultWrapper(Middleware):
    """Turn any exception into the Compute API error body, never a trace."""

    @webob.dec.wsgify
    def __call__(self, req):
        try:
            return req.get_response(self.application)
        except Exception as exc:  # noqa: BLE001 - every error is a fault
            return faults.error_response(exc)


class LimitingReader:
    """A body of unknown length (chunked): RequestTooLarge once more
    than ``limit`` bytes arrived, without ever reading much more."""

    def __init__(self, data, limit):
        self.data = data
        self.limit = limit
        self.bytes_read = 0

    def _count(self, chunk):
        self.bytes_read += len(chunk)
        if self.bytes_read > self.limit:
            raise errors.RequestTooLarge(limit=self.limit)
        return chunk

    def __iter__(self):
        for chunk in self.data:
            yield self._count(chunk)

    def read(self, size=-1):
        # Never ask for more than one byte past the limit, so that an
        # endless chunked body costs at most limit + 1 bytes of memory.
        room = self.limit - self.bytes_read + 1
        if size is None or size < 0 or size > room:
            size = room
        return self._count(self.data.read(size))


class RequestBodySizeLimiter(Middleware):
    """413 for bodies over [wsgi] max_request_body_size, announced
    (Content-Length) or not (chunked)."""

    @webob.dec.wsgify
    def __call__(self, req):
        limit = CONF.wsgi.max_request_body_size
        length = req.content_length
        if length is not None and length < 0:
            raise exception.ValidationError(
                detail=f'Content-Length {length} is not a byte count.')
        if length is not None and length > limit:
            raise errors.RequestTooLarge(limit=limit)
        if length is None and req.is_body_readable:
            req.body_file = LimitingReader(req.body_file, limit)
        return self.application


def _ctx_from_env(req, **kwargs):
    return context.RequestContext(
        request_id=req.environ.get(request_id.ENV_REQUEST_ID),
        remote_address=req.remote_addr, **kwargs)


class NoAuthMiddleware(Middleware):
    """noauth2: X-Auth-Token "user:project"; user "admin" is an admin.

    For tests and single machines only: it trusts what the client says.
    """

    @webob.dec.wsgify
    def __call__(self, req):
        token = req.headers.get('X-Auth-Token')
        if not token:
            raise errors.NotAuthenticated(
                reason='send an X-Auth-Token header ("user:project").')
        user_id, _sep, project_id = token.partition(':')
        project_id = project_id or user_id
        roles = ['reader', 'member']
        if user_id == 'admin':
            roles.append('admin')
        req.environ['nova.context'] = _ctx_from_env(
            req, user_id=user_id, project_id=project_id, roles=roles,
            is_admin=(user_id == 'admin'))
        return self.application


class NovaKeystoneContext(Middleware):
    """Build the context from the headers keystonemiddleware set."""

    @webob.dec.wsgify
    def __call__(self, req):
        if req.headers.get('X-Identity-Status', 'Confirmed') != 'Confirmed':
            raise errors.NotAuthenticated(reason='the token is not valid.')
        user_id = req.headers.get('X-User-Id') or req.headers.get('X-User')
        project_id = (req.headers.get('X-Project-Id') or
                      req.headers.get('X-Tenant-Id'))
        if not user_id or not project_id:
            raise errors.NotAuthenticated(
                reason='the token names no user or project.')
        roles = [r.strip() for r in req.headers.get('X-Roles', '').split(',')
                 if r.strip()]
        catalog = []
        raw_catalog = req.headers.get('X-Service-Catalog')
        if raw_catalog:
            try:
                from oslo_serialization import jsonutils
                catalog = jsonutils.loads(raw_catalog)
            except ValueError:
                raise webob.exc.HTTPInternalServerError(
                    explanation='Invalid service catalog json.')
        ctxt = _ctx_from_env(
            req, user_id=user_id, project_id=project_id, roles=roles,
            user_name=req.headers.get('X-User-Name'),
            project_name=req.headers.get('X-Project-Name'),
            service_catalog=catalog,
            auth_token=req.headers.get('X-Auth-Token'))
        ctxt.user_auth_plugin = req.environ.get('keystone.token_auth')
        req.environ['nova.context'] = ctxt
        return self.application


class VersionDocBypass:
    """GET of the version document itself needs no authentication.

    The API reference promises that for the version documents; the rest
    of the pipeline (request id, faults) still applies.
    """

    def __init__(self, authenticated_app, open_app):
        self.authenticated_app = authenticated_app
        self.open_app = open_app

    def __call__(self, environ, start_response):
        if (environ.get('PATH_INFO', '') in ('', '/') and
                environ.get('REQUEST_METHOD') in ('GET', 'HEAD')):
            return self.open_app(environ, start_response)
        return self.authenticated_app(environ, start_response)


def pipeline_factory(loader, global_conf, **local_conf):
    """Pick the pipeline named by [api] auth_strategy.

    Filters listed before the auth filter also wrap the unauthenticated
    path to the version document.
    """
    pipeline = local_conf[CONF.api.auth_strategy].split()
    auth_filters = ('authtoken', 'keystonecontext', 'noauth2')
    filters = [(name, loader.get_filter(name)) for name in pipeline[:-1]]
    final = loader.get_app(pipeline[-1])
    app = final
    open_app = final
    for name, fltr in reversed(filters):
        app = fltr(app)
        if name not in auth_filters:
            open_app = fltr(open_app)
    return VersionDocBypass(app, open_app)


class LegacyV2Compatible(Middleware):
    """/v2: the v2.1 API with microversions switched off (always 2.1)."""

    @webob.dec.wsgify
    def __call__(self, req):
        req.environ['nova.legacy_v2'] = True
        return self.application
