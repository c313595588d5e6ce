"""An identity v3 *version document* for clients on a machine with no Keystone.

nova-all authenticates with noauth2, yet ``openstack server list`` insists
on an identity v3 endpoint (it builds an identity client up front, even
when it makes no identity call). This answers only that version
discovery, under ``/identity`` beside the Compute API; it is no Keystone:
every other path there is 404.
"""

import json

PREFIX = '/identity'


def _document(base_url):
    return {'version': {
        'id': 'v3.14', 'status': 'stable', 'updated': '2020-04-07T00:00:00Z',
        'links': [{'rel': 'self', 'href': base_url + PREFIX + '/v3/'}],
        'media-types': [{'base': 'application/json',
                         'type': 'application/vnd.openstack.identity-v3+json'}],
    }}


def with_version_document(app):
    """``app``, with GET /identity/v3 answered by the version document."""
    def dispatch(environ, start_response):
        path = environ.get('PATH_INFO', '')
        if not path.startswith(PREFIX + '/') and path != PREFIX:
            return app(environ, start_response)
        if path.rstrip('/') != PREFIX + '/v3' or environ['REQUEST_METHOD'] != 'GET':
            body = b'{"error": {"code": 404, "message": "nova-all serves only the identity version document at /identity/v3"}}'
            start_response('404 Not Found', [('Content-Type', 'application/json'),
                                              ('Content-Length', str(len(body)))])
            return [body]
        base = '{}://{}'.format(environ['wsgi.url_scheme'], environ.get('HTTP_HOST') or
                                '{}:{}'.format(environ['SERVER_NAME'], environ['SERVER_PORT']))
        body = json.dumps(_document(base)).encode()
        start_response('200 OK', [('Content-Type', 'application/json'),
                                  ('Content-Length', str(len(body)))])
        return [body]
    return dispatch
