"""The identity version document nova-all serves beside the Compute API."""

import webob

from nova.all_in_one import identity


def _inner(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'compute']


APP = identity.with_version_document(_inner)


def test_v3_version_document_points_at_itself():
    resp = webob.Request.blank('/identity/v3', base_url='http://h:8774').get_response(APP)
    assert resp.status_int == 200
    version = resp.json['version']
    assert version['id'].startswith('v3.')
    assert version['links'][0]['href'] == 'http://h:8774/identity/v3/'


def test_other_identity_paths_are_404():
    resp = webob.Request.blank('/identity/v3/auth/tokens').get_response(APP)
    assert resp.status_int == 404
    assert 'only the identity version document' in resp.json['error']['message']


def test_everything_else_goes_to_the_compute_api():
    assert webob.Request.blank('/v2.1/servers').get_response(APP).body == b'compute'
    assert webob.Request.blank('/identityx').get_response(APP).body == b'compute'
