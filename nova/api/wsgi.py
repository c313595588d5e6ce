"""Request/response plumbing of nova-api: the Request class, the Resource
that dispatches a routed request to a controller method (body parsing,
microversion checks, JSON-Schema validation, serialization) and the
decorators controllers use.

Middleware lives in ``nova.api.middleware``; the paste app factories in
``nova.api.openstack.compute.routes`` and ``nova.api.openstack.versions``.
"""

import functools
import inspect

import webob
import webob.dec
import webob.exc
from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova import exception
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import errors, faults, request_body

LOG = logging.getLogger(__name__)

API_VERSION_HEADER = 'OpenStack-API-Version'
LEGACY_VERSION_HEADER = 'X-OpenStack-Nova-API-Version'
SERVICE_TYPE = 'compute'
VARY_HEADER = f'{API_VERSION_HEADER}, {LEGACY_VERSION_HEADER}'


class Request(webob.Request):
    """A request with its negotiated microversion and cached lookups."""

    def __init__(self, environ, *args, **kwargs):
        super().__init__(environ, *args, **kwargs)
        self.api_version_request = avr.APIVersionRequest(avr.DEFAULT_VERSION)
        self._cache = {}

    @property
    def context(self):
        return self.environ['nova.context']

    def cache(self, kind, key, value):
        """Keep an object found by a handler for the view builders."""
        self._cache.setdefault(kind, {})[key] = value

    def cached(self, kind, key):
        return self._cache.get(kind, {}).get(key)

    def set_api_version_request(self):
        """Negotiate the microversion from the request's headers.

        ``OpenStack-API-Version: compute X.Y`` wins over the legacy
        ``X-OpenStack-Nova-API-Version: X.Y``; neither means the minimum.
        """
        version = _requested_version(self.headers)
        if version is None:
            self.api_version_request = avr.min_api_version()
            return
        if version.strip().lower() == 'latest':
            self.api_version_request = avr.max_api_version()
            return
        requested = avr.APIVersionRequest(version.strip())
        if not requested.matches(avr.MIN_VERSION, avr.MAX_VERSION):
            raise errors.InvalidGlobalAPIVersion(
                req_ver=requested.get_string(), min_ver=avr.MIN_VERSION,
                max_ver=avr.MAX_VERSION)
        self.api_version_request = requested


def _requested_version(headers):
    value = headers.get(API_VERSION_HEADER)
    if value:
        # The header may name several services: "compute 2.5, volume 3.1".
        for item in value.split(','):
            parts = item.strip().split(None, 1)
            if len(parts) == 2 and parts[0].lower() == SERVICE_TYPE:
                return parts[1]
            if len(parts) == 1 and parts[0].lower() == SERVICE_TYPE:
                raise errors.InvalidAPIVersionString(version='')
    return headers.get(LEGACY_VERSION_HEADER) or None


# Decorators ----------------------------------------------------------------

def response(code):
    """The success status of a controller method (default 200)."""
    def decorator(func):
        func.wsgi_code = code
        return func
    return decorator


def expected_errors(*codes):
    """Document the error codes a method returns (kept for readers)."""
    def decorator(func):
        func.wsgi_expected_errors = codes
        return func
    return decorator


def api_version(min_version, max_version=None):
    """Make a controller method exist only in a microversion range."""
    def decorator(func):
        @functools.wraps(func)
        def wrapped(self, req, *args, **kwargs):
            if not req.api_version_request.matches(min_version, max_version):
                raise errors.VersionNotFoundForAPIMethod(
                    version=req.api_version_request.get_string())
            return func(self, req, *args, **kwargs)
        return wrapped
    return decorator


class ResponseObject:
    """A body plus a status and headers, for handlers that need them."""

    def __init__(self, obj, code=None, headers=None):
        self.obj = obj
        self.code = code
        self.headers = dict(headers or {})


# Dispatch --------------------------------------------------------------------

class Resource:
    """WSGI app for one controller: route args name the method ("action")."""

    def __init__(self, controller, versioned=True):
        self.controller = controller
        self.versioned = versioned

    @webob.dec.wsgify(RequestClass=Request)
    def __call__(self, req):
        # /v2 (legacy) always behaves as the minimum microversion and
        # does not negotiate.
        versioned = self.versioned and not req.environ.get('nova.legacy_v2')
        try:
            if versioned:
                req.set_api_version_request()
            # As the Compute API does, a Content-Type that is not JSON is
            # refused whatever the method (after the version, before the
            # route's handler).
            request_body.content_type(req)
            resp = self._dispatch(req)
        except Exception as exc:  # noqa: BLE001 - every error is a fault
            resp = faults.error_response(exc)
        if versioned:
            version = req.api_version_request.get_string()
            resp.headers[API_VERSION_HEADER] = f'{SERVICE_TYPE} {version}'
            resp.headers[LEGACY_VERSION_HEADER] = version
            resp.headers['Vary'] = VARY_HEADER
        return resp

    def _dispatch(self, req):
        args = dict(req.environ['wsgiorg.routing_args'][1])
        args.pop('controller', None)
        args.pop('format', None)
        project_id = args.pop('project_id', None)
        if project_id is not None and project_id != req.context.project_id:
            raise exception.ValidationError(
                detail=f'Malformed request URL: the project id {project_id} '
                       'in the URL is not the project of the token.')
        action = args.pop('action')
        method = getattr(self.controller, action, None)
        if method is None:
            raise errors.MethodNotAllowed(method=req.method)
        params = inspect.signature(method).parameters
        if 'body' in params:
            body = request_body.parse(req)
            if body is None:
                raise errors.MalformedRequestBody(
                    reason='a JSON body is required')
            args['body'] = body
        elif req.method in ('POST', 'PUT') and req.body:
            # A body where none is expected is still parsed, so malformed
            # JSON is reported rather than silently ignored.
            request_body.parse(req)
        result = method(req, **args)
        return self._serialize(req, method, result)

    @staticmethod
    def _serialize(req, method, result):
        code = getattr(method, 'wsgi_code', 200)
        headers = {}
        if isinstance(result, webob.Response):
            return result
        if isinstance(result, ResponseObject):
            code = result.code or code
            headers = result.headers
            result = result.obj
        resp = webob.Response(status=code)
        if result is not None:
            resp.content_type = 'application/json'
            resp.charset = 'utf-8'
            resp.body = jsonutils.dump_as_bytes(result)
        else:
            resp.content_type = None
            resp.headers.pop('Content-Type', None)
        for key, value in headers.items():
            resp.headers[key] = str(value)
        return resp
