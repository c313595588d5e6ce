"""GET /openapi.json: the generated OpenAPI document, without a token.

Mounted beside the versions document by ``api-paste.ini``; the document
is generated on the first request and kept for the life of the process.
"""

import webob
import webob.dec

from nova.api import openapi
from nova.api.openstack import errors, faults


class OpenAPIDocument:

    @webob.dec.wsgify
    def __call__(self, req):
        if req.path_info not in ('', '/'):
            return faults.fault_response(
                404, 'The resource could not be found.')
        if req.method not in ('GET', 'HEAD'):
            exc = errors.MethodNotAllowed(method=req.method)
            return faults.fault_response(405, exc.format_message(),
                                         headers={'Allow': 'GET, HEAD'})
        resp = webob.Response(status=200, content_type='application/json',
                              charset='utf-8')
        resp.body = openapi.document_bytes()
        resp.cache_control = 'public, max-age=3600'
        return resp

    @classmethod
    def factory(cls, global_config, **local_config):
        return cls()
