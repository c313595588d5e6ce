"""The Compute API's error bodies: {"<faultName>": {"code", "message"}}."""

import webob
import webob.exc
import webob.request
from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova import exception
from nova.api.openstack import unavailable

LOG = logging.getLogger(__name__)

FAULT_NAMES = {
    400: 'badRequest',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'itemNotFound',
    405: 'badMethod',
    406: 'notAcceptable',
    409: 'conflictingRequest',
    413: 'overLimit',
    415: 'badMediaType',
    429: 'overLimit',
    501: 'notImplemented',
    503: 'serviceUnavailable',
}


def fault_name(code):
    return FAULT_NAMES.get(code, 'computeFault')


def fault_response(code, message, headers=None):
    """A JSON error response with the Compute API's body shape."""
    body = {fault_name(code): {'code': code, 'message': message}}
    resp = webob.Response(status=code, content_type='application/json',
                          charset='utf-8')
    resp.body = jsonutils.dump_as_bytes(body)
    for key, value in (headers or {}).items():
        resp.headers[key] = str(value)
    if code == 401:
        resp.headers.setdefault('WWW-Authenticate',
                                'Keystone uri="unknown"')
    return resp


def exception_response(exc):
    """The response of a NovaException; 5xx messages hide internals."""
    code = getattr(exc, 'code', 500)
    if not isinstance(code, int) or code < 400:
        code = 500
    if code >= 500 and not getattr(exc, 'safe', False) and code not in (
            501, 503):
        message = ('Unexpected API Error. Please report this at your '
                   f'cloud\'s support and attach the request id. {type(exc).__name__}')
    else:
        message = exc.format_message()
    return fault_response(code, message, getattr(exc, 'headers', None))


def error_response(exc):
    """The fault for any exception a request raised; never a traceback.

    Known API and compute errors keep their code; a database or message
    bus that is down is a 503 the client may retry; anything else is a
    500 whose details go to the log only.
    """
    if isinstance(exc, webob.exc.HTTPException):
        return fault_response(exc.code, exc.explanation or exc.detail or
                              exc.title)
    if isinstance(exc, exception.NovaException):
        return exception_response(exc)
    if isinstance(exc, webob.request.DisconnectionError):
        # The client sent less than its Content-Length and went away.
        return fault_response(400, 'The request body is shorter than its '
                                   'Content-Length.')
    if isinstance(exc, UnicodeDecodeError):
        # webob decodes the query string and form fields lazily.
        return fault_response(400, 'The request is not valid UTF-8: '
                                   f'{exc.reason} at byte {exc.start}.')
    outage = unavailable.reason(exc)
    if outage is not None:
        LOG.warning('Answering 503: %s (%s: %s)', outage,
                    type(exc).__name__, exc)
        return fault_response(503, outage)
    LOG.error('Unexpected error in the API', exc_info=exc)
    return exception_response(exception.NovaException())
