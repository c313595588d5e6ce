"""Fixtures of the API tests: the real paste pipeline over real SQLite DBs.

Only the peers no unit test can have are doubles, named as such:
``FakeImageAPI`` stands in for Glance and ``FakeComputeTaskAPI``
records the casts to the conductor (the RPC boundary).
"""

import copy
import os

import pytest
import webob
from oslo_serialization import jsonutils

import nova.conf
from nova import context as nova_context
from nova import exception, objects, policy
from nova.compute import api as compute_api
from nova.image import glance
from nova.tests.unit.db import fixtures as db_fixtures
from nova.wsgi import osapi_compute

CONF = nova.conf.CONF

IMAGE_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
BIG_IMAGE_ID = '76fa36fc-c930-4bf3-8c8a-ea2a2420deb6'
QUEUED_IMAGE_ID = 'a2459075-d96c-40d5-893e-577ff92e721c'

IMAGES = {
    IMAGE_ID: {'id': IMAGE_ID, 'name': 'cirros', 'status': 'active',
               'min_ram': 0, 'min_disk': 0, 'size': 1024,
               'disk_format': 'qcow2', 'container_format': 'bare',
               'created_at': '2024-01-01T00:00:00Z',
               'updated_at': '2024-01-01T00:00:00Z',
               'properties': {'os_distro': 'cirros'}},
    BIG_IMAGE_ID: {'id': BIG_IMAGE_ID, 'name': 'big', 'status': 'active',
                   'min_ram': 100000, 'min_disk': 0, 'size': 1024,
                   'created_at': '2024-01-02T00:00:00Z',
                   'updated_at': '2024-01-02T00:00:00Z', 'properties': {}},
    QUEUED_IMAGE_ID: {'id': QUEUED_IMAGE_ID, 'name': 'queued',
                      'status': 'queued', 'min_ram': 0, 'min_disk': 0,
                      'size': None, 'created_at': '2024-01-03T00:00:00Z',
                      'updated_at': '2024-01-03T00:00:00Z',
                      'properties': {}},
}


class FakeImageAPI:
    """Stands in for Glance (nova.image.glance.API) with three images."""

    def __init__(self, *args, **kwargs):
        pass

    def get(self, ctxt, image_id):
        if image_id not in IMAGES:
            raise exception.ImageNotFound(image_id=image_id)
        return copy.deepcopy(IMAGES[image_id])

    def get_all(self, ctxt, filters=None, limit=None, marker=None):
        images = sorted(IMAGES.values(), key=lambda i: i['id'])
        for key, value in (filters or {}).items():
            images = [i for i in images if i.get(key) == value]
        if marker is not None:
            ids = [i['id'] for i in images]
            if marker not in ids:
                raise exception.ImageNotFound(image_id=marker)
            images = images[ids.index(marker) + 1:]
        if limit is not None:
            images = images[:limit]
        return copy.deepcopy(images)


class FakeComputeTaskAPI:
    """Records schedule_and_build_instances casts (the RPC boundary)."""

    def __init__(self):
        self.casts = []
        self.fail = None

    def schedule_and_build_instances(self, ctxt, **kwargs):
        if self.fail:
            raise self.fail
        self.casts.append(kwargs)


class FakeComputeRPCAPI:
    """Records terminate_instance casts (the RPC boundary)."""

    def __init__(self):
        self.terminated = []

    def terminate_instance(self, ctxt, instance, bdms):
        self.terminated.append(instance.uuid)


class FakeReportClient:
    """Records allocation removals (Placement is exercised elsewhere)."""

    def __init__(self):
        self.deleted = []

    def delete_allocation_for_instance(self, ctxt, instance_uuid):
        self.deleted.append(instance_uuid)
        return True


@pytest.fixture
def conf():
    CONF([], project='nova', default_config_files=[])
    CONF.set_override('auth_strategy', 'noauth2', group='api')
    policy.reset()
    yield CONF
    CONF.clear_override('auth_strategy', group='api')
    CONF.reset()
    policy.reset()


@pytest.fixture
def dbs(conf):
    with db_fixtures.Databases() as databases:
        admin = nova_context.get_admin_context()
        cell0 = objects.CellMapping(
            admin, uuid=objects.CellMapping.CELL0_UUID, name='cell0',
            database_connection='sqlite://', transport_url='fake://')
        cell0.create()
        databases.cell0 = cell0
        # cell0 shares the default cell DB engine in these tests.
        with nova_context._CELL_CACHE_LOCK:
            nova_context._CELL_DB_CACHE[(cell0.uuid, 'sqlite://')] = \
                databases.main
        databases.cell1 = databases.add_cell(url='sqlite://', name='cell1')
        yield databases


@pytest.fixture
def peers(monkeypatch):
    task_api = FakeComputeTaskAPI()
    compute_rpc = FakeComputeRPCAPI()
    report = FakeReportClient()
    monkeypatch.setattr(glance, 'API', FakeImageAPI)
    monkeypatch.setattr(compute_api.API, 'compute_task_api', task_api)
    monkeypatch.setattr(compute_api.API, 'compute_rpcapi', compute_rpc)
    monkeypatch.setattr(compute_api.API, 'placement', report)
    return {'task_api': task_api, 'compute_rpc': compute_rpc,
            'report': report}


class Client:
    """Requests to the WSGI app as a user ("user:project" token)."""

    def __init__(self, app, token='fake-user:fake-project', version=None):
        self.app = app
        self.token = token
        self.version = version

    def request(self, method, path, body=None, headers=None, raw=None,
                token=None, version=None):
        req = webob.Request.blank(path, method=method)
        req.host = 'compute.example.org:8774'
        token = token if token is not None else self.token
        if token:
            req.headers['X-Auth-Token'] = token
        version = version or self.version
        if version:
            req.headers['OpenStack-API-Version'] = f'compute {version}'
        if raw is not None:
            req.body = raw
            req.content_type = 'application/json'
        elif body is not None:
            req.body = jsonutils.dump_as_bytes(body)
            req.content_type = 'application/json'
        for key, value in (headers or {}).items():
            req.headers[key] = value
        resp = req.get_response(self.app)
        resp.json_body_or_none = (jsonutils.loads(resp.body)
                                  if resp.body else None)
        return resp

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request('POST', path, body=body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request('PUT', path, body=body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)


@pytest.fixture
def app(conf, peers):
    paste = os.path.join(os.path.dirname(osapi_compute.__file__), '..',
                         'api', 'api-paste.ini')
    CONF.set_override('api_paste_config', os.path.abspath(paste),
                      group='wsgi')
    objects.register_all()
    yield osapi_compute.load_app(CONF)
    CONF.clear_override('api_paste_config', group='wsgi')


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def admin_client(app):
    return Client(app, token='admin:admin-project')
