"""Errors raised by the API layer itself (not by the compute layer)."""

from nova import exception
from nova.i18n import _


class InvalidAPIVersionString(exception.Invalid):
    msg_fmt = _('API version string %(version)s is not valid: it must look '
                'like "2.1" (major.minor) or be "latest".')


class InvalidGlobalAPIVersion(exception.NovaException):
    msg_fmt = _('Version %(req_ver)s is not supported by the API. Minimum is '
                '%(min_ver)s and maximum is %(max_ver)s.')
    code = 406


class MalformedRequestBody(exception.Invalid):
    msg_fmt = _('Malformed request body: %(reason)s')


class InvalidContentType(exception.NovaException):
    msg_fmt = _('Unsupported Content-Type %(content_type)s: send '
                'application/json.')
    code = 415


class RequestTooLarge(exception.NovaException):
    msg_fmt = _('Request is too large: the body is larger than %(limit)d '
                'bytes.')
    code = 413


class NotAuthenticated(exception.NovaException):
    msg_fmt = _('Authentication required: %(reason)s')
    code = 401


class VersionNotFoundForAPIMethod(exception.NotFound):
    msg_fmt = _('API version %(version)s is not supported on this method.')


class MethodNotAllowed(exception.NovaException):
    msg_fmt = _('Method %(method)s is not allowed on this resource.')
    code = 405
