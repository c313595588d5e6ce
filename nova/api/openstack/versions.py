"""The version documents: GET / (all major versions) and GET /v2.1."""

import copy

import webob
import webob.dec
from oslo_serialization import jsonutils

import nova.conf
from nova.api.openstack import api_version_request as avr

CONF = nova.conf.CONF

_VERSIONS = {
    'v2.0': {
        'id': 'v2.0',
        'status': 'SUPPORTED',
        'version': '',
        'min_version': '',
        'updated': '2011-01-21T11:33:21Z',
        'path': 'v2/',
    },
    'v2.1': {
        'id': 'v2.1',
        'status': 'CURRENT',
        'version': avr.MAX_VERSION,
        'min_version': avr.MIN_VERSION,
        'updated': '2013-07-23T11:33:21Z',
        'path': 'v2.1/',
    },
}


def _media_types(key):
    major = '2' if key == 'v2.0' else '2.1'
    return [{'base': 'application/json',
             'type': f'application/vnd.openstack.compute+json;version={major}'}]


def _root(req):
    """The service root URL ([api] compute_link_prefix when set)."""
    if CONF.api.compute_link_prefix:
        return CONF.api.compute_link_prefix.rstrip('/') + '/'
    # Keep a deployment prefix (e.g. /compute), drop the version part.
    script = req.script_name.rstrip('/')
    for suffix in ('/v2.1', '/v2'):
        if script.endswith(suffix):
            script = script[:-len(suffix)]
            break
    return req.host_url + script + '/'


def _version_entry(req, key):
    info = copy.deepcopy(_VERSIONS[key])
    info['links'] = [{'rel': 'self', 'href': _root(req) + info.pop('path')}]
    return info


def _json(body, status=200):
    resp = webob.Response(status=status, content_type='application/json',
                          charset='utf-8')
    resp.body = jsonutils.dump_as_bytes(body)
    return resp


def versions_body(req):
    return {'versions': [_version_entry(req, key)
                         for key in ('v2.0', 'v2.1')]}


class Versions:
    """GET / lists the major versions (200); other paths: 300 choices."""

    @webob.dec.wsgify
    def __call__(self, req):
        if req.path_info in ('', '/') and req.method in ('GET', 'HEAD'):
            return _json(versions_body(req))
        return _json(versions_body(req), status=300)

    @classmethod
    def factory(cls, global_config, **local_config):
        return cls()


def version_document(req, key):
    """The body of GET /v2.1 (or /v2) for the request's host."""
    info = _version_entry(req, key)
    info['links'].append({'rel': 'describedby', 'type': 'text/html',
                          'href': 'https://docs.openstack.org/'})
    info['media-types'] = _media_types(key)
    return {'version': info}
