"""Bodies: content types (415), sizes (413, chunked too), deep and
broken JSON (400 without parsing), as the pipeline answers them."""

import io

import pytest
import webob

from nova.api import middleware
from nova.api.openstack import request_body


def _fault(resp):
    (name, fault), = resp.json_body_or_none.items()
    assert fault['code'] == resp.status_int
    return name, fault['message']


# Content types -------------------------------------------------------------

@pytest.mark.parametrize('content_type', [
    'application/xml', 'text/html', 'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x'])
def test_body_of_another_media_type_is_415_naming_it(admin_client, dbs,
                                                     content_type):
    resp = admin_client.post('/v2.1/os-aggregates', raw=b'{}',
                             headers={'Content-Type': content_type})
    assert resp.status_int == 415
    name, message = _fault(resp)
    assert name == 'badMediaType'
    assert content_type.split(';')[0] in message


def test_unsupported_content_type_is_415_on_a_get_too(admin_client, dbs):
    # The Compute API checks the header whatever the method.
    resp = admin_client.get('/v2.1/flavors',
                            headers={'Content-Type': 'application/xml'})
    assert resp.status_int == 415


@pytest.mark.parametrize('content_type', [
    None, 'text/plain', 'application/json; charset=UTF-8',
    'application/vnd.openstack.compute+json'])
def test_json_body_without_or_with_a_json_type_is_parsed(admin_client, dbs,
                                                         content_type):
    req = webob.Request.blank('/v2.1/os-aggregates', method='POST')
    req.headers['X-Auth-Token'] = 'admin:admin-project'
    req.body = b'{"aggregate": {"name": "agg1"}}'
    if content_type is None:
        req.environ.pop('CONTENT_TYPE', None)
    else:
        req.headers['Content-Type'] = content_type
    resp = req.get_response(admin_client.app)
    assert resp.status_int == 200, resp.text


def test_bad_microversion_wins_over_bad_content_type(admin_client, dbs):
    resp = admin_client.get('/v2.1/flavors', version='2.999',
                            headers={'Content-Type': 'application/xml'})
    assert resp.status_int == 406


# Sizes -----------------------------------------------------------------------

def test_announced_length_over_the_limit_is_413_before_reading(
        client, conf):
    conf.set_override('max_request_body_size', 100, group='wsgi')

    class Unreadable(io.RawIOBase):
        def read(self, size=-1):
            raise AssertionError('the body was read')

    req = webob.Request.blank('/v2.1/flavors', method='POST')
    req.headers['X-Auth-Token'] = 'admin:p'
    req.headers['Content-Type'] = 'application/json'
    req.environ['wsgi.input'] = Unreadable()
    req.environ['CONTENT_LENGTH'] = '1000000'
    resp = req.get_response(client.app)
    assert resp.status_int == 413
    assert '100 bytes' in resp.json['overLimit']['message']


class EndlessChunks(io.RawIOBase):
    """A chunked body that never ends; counts what was read."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def read(self, size=-1):
        size = 65536 if size is None or size < 0 else size
        self.read_bytes += size
        return b' ' * size


def _chunked(app, stream, path='/v2.1/os-aggregates'):
    # What a server that decodes chunked bodies (gunicorn, uwsgi) hands
    # the app: no Content-Length, wsgi.input_terminated set.
    req = webob.Request.blank(path, method='POST')
    req.headers['X-Auth-Token'] = 'admin:p'
    req.headers['Content-Type'] = 'application/json'
    req.headers['Transfer-Encoding'] = 'chunked'
    req.environ.pop('CONTENT_LENGTH', None)
    req.environ['wsgi.input'] = stream
    req.environ['wsgi.input_terminated'] = True
    return req.get_response(app)


def test_endless_chunked_body_is_413_after_reading_just_past_the_limit(
        client, conf):
    conf.set_override('max_request_body_size', 1000, group='wsgi')
    stream = EndlessChunks()
    resp = _chunked(client.app, stream)
    assert resp.status_int == 413
    assert resp.json['overLimit']['code'] == 413
    assert stream.read_bytes <= 1001


def test_chunked_body_under_the_limit_is_served(client, conf, dbs):
    conf.set_override('max_request_body_size', 1000, group='wsgi')
    resp = _chunked(client.app,
                    io.BytesIO(b'{"aggregate": {"name": "chunked"}}'))
    assert resp.status_int == 200, resp.text
    assert resp.json['aggregate']['name'] == 'chunked'


def test_limiting_reader_counts_iterated_chunks():
    reader = middleware.LimitingReader(iter([b'ab', b'cd']), 3)
    with pytest.raises(Exception) as info:
        list(reader)
    assert info.value.code == 413


def test_negative_content_length_is_400(client):
    req = webob.Request.blank('/v2.1/flavors', method='POST')
    req.headers['X-Auth-Token'] = 'admin:p'
    req.environ['CONTENT_LENGTH'] = '-5'
    resp = req.get_response(client.app)
    assert resp.status_int == 400
    assert 'Content-Length' in resp.json['badRequest']['message']


def test_body_shorter_than_its_content_length_is_400(client, dbs):
    req = webob.Request.blank('/v2.1/os-aggregates', method='POST')
    req.headers['X-Auth-Token'] = 'admin:p'
    req.headers['Content-Type'] = 'application/json'
    req.environ['wsgi.input'] = io.BufferedReader(io.BytesIO(b'{"a"'))
    req.environ['CONTENT_LENGTH'] = '100'
    resp = req.get_response(client.app)
    assert resp.status_int == 400
    assert 'shorter' in resp.json['badRequest']['message']


def test_version_document_pipeline_limits_bodies_too(client, conf):
    conf.set_override('max_request_body_size', 10, group='wsgi')
    req = webob.Request.blank('/', method='POST', body=b'x' * 100)
    assert req.get_response(client.app).status_int == 413


# Deep, huge and broken JSON -----------------------------------------------------

def test_100k_deep_array_is_400_without_being_parsed(admin_client, conf,
                                                     monkeypatch):
    conf.set_override('max_request_body_size', 300000, group='wsgi')

    def no_parsing(raw):
        raise AssertionError('a too deep document reached the parser')
    monkeypatch.setattr(request_body, '_parse', no_parsing)
    raw = b'[' * 100000 + b']' * 100000
    resp = admin_client.post('/v2.1/os-aggregates', raw=raw)
    assert resp.status_int == 400
    message = resp.json_body_or_none['badRequest']['message']
    assert f'deeper than {request_body.MAX_DEPTH}' in message


def test_unclosed_deep_object_is_400(admin_client):
    resp = admin_client.post('/v2.1/os-aggregates',
                             raw=b'{"a":' * 20000)
    assert resp.status_int == 400


def test_nesting_up_to_the_limit_reaches_the_schema(admin_client, dbs):
    depth = request_body.MAX_DEPTH - 1
    raw = b'{"aggregate": ' + b'[' * depth + b']' * depth + b'}'
    resp = admin_client.post('/v2.1/os-aggregates', raw=raw)
    assert resp.status_int == 400
    assert 'Invalid input' in resp.json_body_or_none['badRequest']['message']


def test_brackets_inside_strings_do_not_count():
    raw = b'{"name": "' + b'[' * 1000 + b'\\"{{{{"}'
    assert not request_body.too_deep(raw, 1)
    assert request_body.loads(raw) == {'name': '[' * 1000 + '"{{{{'}


def test_depth_is_that_of_the_deepest_branch():
    raw = b'[' * 40 + b']' * 40 + b'[' * 50 + b']' * 50
    assert not request_body.too_deep(raw, 50)
    assert request_body.too_deep(raw, 49)
    assert request_body.too_deep(b'[' * 500, 32)


def test_number_with_100k_digits_is_400(admin_client, dbs):
    raw = b'{"aggregate": {"name": ' + b'1' * 100000 + b'}}'
    resp = admin_client.post('/v2.1/os-aggregates', raw=raw)
    assert resp.status_int == 400
    assert 'Malformed request body' in \
        resp.json_body_or_none['badRequest']['message']


@pytest.mark.parametrize('raw', [b'{"aggregate": {"name": "\\ud800"}}',
                                 b'{"\\udfff": 1}'])
def test_lone_surrogate_is_400(admin_client, dbs, raw):
    resp = admin_client.post('/v2.1/os-aggregates', raw=raw)
    assert resp.status_int == 400
    assert 'surrogate' in resp.json_body_or_none['badRequest']['message']


def test_surrogate_pair_is_a_valid_character(admin_client, dbs):
    resp = admin_client.post('/v2.1/os-aggregates',
                             raw=b'{"aggregate": {"name": "a\\ud83d\\ude00"}}')
    assert resp.status_int == 200, resp.text
    assert resp.json_body_or_none['aggregate']['name'] == 'a\U0001f600'


@pytest.mark.parametrize('raw', [b'\xff\xfe{}', b'{"a": "\xc3"}'])
def test_body_that_is_not_utf8_is_400(admin_client, raw):
    resp = admin_client.post('/v2.1/os-aggregates', raw=raw)
    assert resp.status_int == 400


def test_form_field_cannot_override_the_method(admin_client, dbs):
    # routes' "_method" override is off: a POST stays a POST.
    resp = admin_client.post(
        '/v2.1/os-aggregates', raw=b'_method=GET',
        headers={'Content-Type': 'application/x-www-form-urlencoded'})
    assert resp.status_int == 415
    resp = admin_client.post('/v2.1/os-aggregates?_method=GET', body={})
    assert resp.status_int == 400


def test_malformed_multipart_body_is_415_not_500(admin_client, dbs):
    resp = admin_client.post('/v2.1/os-aggregates', raw=b'--x\r\n',
                             headers={'Content-Type': 'multipart/form-data'})
    assert resp.status_int == 415


# Found by the fuzzer -------------------------------------------------------------

def test_query_string_that_is_not_utf8_is_400(admin_client, dbs):
    resp = admin_client.get('/v2.1/os-server-groups?name=%ff')
    assert resp.status_int == 400
    assert 'UTF-8' in resp.json_body_or_none['badRequest']['message']


@pytest.mark.parametrize('ram', ['9819006862131330275', '0', 2 ** 63])
def test_flavor_size_out_of_range_is_400_in_either_form(admin_client, dbs,
                                                        ram):
    resp = admin_client.post('/v2.1/flavors', {'flavor': {
        'name': 'big', 'ram': ram, 'vcpus': 1, 'disk': 1}})
    assert resp.status_int == 400
    assert 'flavor.ram' in resp.json_body_or_none['badRequest']['message']
