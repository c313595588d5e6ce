"""The Compute API's error bodies: {"<faultName>": {"code", "message"}}."""

import webob
from oslo_serialization import jsonutils

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
