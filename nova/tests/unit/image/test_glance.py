"""The Glance client against a real Glance child process."""

import http.server
import socket
import threading

import pytest

from nova import exception
from nova.image import glance
from nova.peers import glance as glance_peer


@pytest.fixture(scope='module')
def glance_url(tmp_path_factory):
    proc = glance_peer.GlanceProcess(
        str(tmp_path_factory.mktemp('glance')), port=0)
    proc.start()
    yield proc.url
    proc.stop()


@pytest.fixture
def api(glance_url):
    return glance.API(endpoint=glance_url)


def _create(api, name='img', data=b'\0' * 1024, **props):
    return api.create(None, {'name': name, 'disk_format': 'raw',
                             'container_format': 'bare',
                             'properties': props}, data=data)


def test_create_with_data_is_active_with_size(api):
    image = _create(api)
    assert (image['status'], image['size']) == ('active', 1024)


def test_get_puts_extra_fields_in_properties(api):
    image = _create(api, hw_disk_bus='virtio')
    got = api.get(None, image['id'])
    assert got['properties'] == {'hw_disk_bus': 'virtio'}
    assert got['name'] == 'img'


def test_get_unknown_image_raises_image_not_found(api):
    with pytest.raises(exception.ImageNotFound, match='0000'):
        api.get(None, '00000000-0000-0000-0000-000000000001')


def test_get_all_filters_by_name(api):
    image = _create(api, name='only-one')
    found = api.get_all(None, filters={'name': 'only-one'})
    assert [i['id'] for i in found] == [image['id']]


def test_get_all_follows_pages(api):
    ids = {_create(api, name='paged')['id'] for _ in range(3)}
    found = api.get_all(None, filters={'name': 'paged', 'limit': 1})
    assert {i['id'] for i in found} == ids


def test_download_returns_uploaded_bytes(api, tmp_path):
    image = _create(api, data=b'abc' * 100)
    dst = tmp_path / 'out'
    api.download(None, image['id'], dst_path=str(dst))
    assert dst.read_bytes() == b'abc' * 100


def test_delete_then_get_raises_not_found(api):
    image = _create(api)
    api.delete(None, image['id'])
    with pytest.raises(exception.ImageNotFound):
        api.get(None, image['id'])


def test_invalid_disk_format_is_a_4xx_error(api):
    with pytest.raises(exception.Invalid):
        api.create(None, {'name': 'bad', 'disk_format': 'nonsense',
                          'container_format': 'bare'})


def test_connection_refused_names_url():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    url = f'http://127.0.0.1:{port}'
    with pytest.raises(exception.ImageServiceUnavailable, match=url):
        glance.API(endpoint=url).get(None, 'x')


def test_upload_image_helper_makes_active_qcow2(glance_url):
    image = glance_peer.upload_image(glance_url, 'cirros-tiny')
    assert (image['status'], image['disk_format'],
            image['visibility']) == ('active', 'qcow2', 'public')


def test_no_token_is_sent_without_auth_config():
    # A bare HTTP server shows the headers; the real Glance would not.
    seen = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.update(self.headers)
            body = b'{"id": "i1", "name": "n", "hw_x": "1"}'
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        image = glance.API(
            endpoint=f'http://127.0.0.1:{server.server_port}').get(
                None, 'i1')
    finally:
        server.shutdown()
        server.server_close()
    assert image['properties'] == {'hw_x': '1'}
    assert 'X-Auth-Token' not in seen
