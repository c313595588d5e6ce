"""Every cast of the move/lifecycle RPC methods fits the signature of the
manager method that receives it (names and arguments cross the wire as
keywords, so a mismatch only shows at run time)."""

import inspect

import pytest
from oslo_utils import uuidutils

from nova import context, objects
from nova.compute import manager, rpcapi
from nova.conductor import manager as conductor_manager
from nova.conductor import rpcapi as conductor_rpcapi

objects.register_all()


class _Recorder:
    def __init__(self):
        self.casts = []

    def prepare(self, **kwargs):
        self.server = kwargs.get('server')
        return self

    def cast(self, ctxt, method, **kwargs):
        self.casts.append((self.server, method, kwargs))


def _instance():
    return objects.Instance(uuid=uuidutils.generate_uuid(), host='src',
                            node='src')


def _migration():
    return objects.Migration(uuid=uuidutils.generate_uuid(),
                             source_compute='src', dest_compute='dst')


CALLS = [
    ('prep_resize', lambda i, m: {'instance': i, 'flavor': objects.Flavor(),
                                      'migration': m, 'host': 'dst', 'node': 'dst'},
     'dst'),
    ('resize_instance', lambda i, m: {'instance': i,
                                          'flavor': objects.Flavor(),
                                          'migration': m}, 'src'),
    ('finish_resize', lambda i, m: {'instance': i, 'migration': m,
                                        'disk_info': '{}'}, 'dst'),
    ('confirm_resize', lambda i, m: {'instance': i, 'migration': m}, 'src'),
    ('revert_resize', lambda i, m: {'instance': i, 'migration': m}, 'dst'),
    ('finish_revert_resize', lambda i, m: {'instance': i, 'migration': m},
     'src'),
    ('rebuild_instance', lambda i, m: {'instance': i, 'image_ref': 'img',
                                           'admin_password': 'pw'}, 'src'),
    ('shelve_instance', lambda i, m: {'instance': i, 'image_id': 'img'},
     'src'),
    ('shelve_offload_instance', lambda i, m: {'instance': i}, 'src'),
    ('unshelve_instance', lambda i, m: {'instance': i, 'host': 'dst',
                                            'node': 'dst'}, 'dst'),
    ('snapshot_instance', lambda i, m: {'instance': i, 'image_id': 'img'},
     'src'),
    ('backup_instance', lambda i, m: {'instance': i, 'image_id': 'img',
                                          'backup_type': 'daily', 'rotation': 2},
     'src'),
    ('rescue_instance', lambda i, m: {'instance': i,
                                          'rescue_password': 'pw'}, 'src'),
    ('unrescue_instance', lambda i, m: {'instance': i}, 'src'),
    ('soft_delete_instance', lambda i, m: {'instance': i}, 'src'),
    ('restore_instance', lambda i, m: {'instance': i}, 'src'),
]


@pytest.mark.parametrize('method,args,host', CALLS,
                         ids=[c[0] for c in CALLS])
def test_compute_cast_reaches_its_host_and_fits_the_manager(method, args,
                                                            host):
    api = rpcapi.ComputeAPI.__new__(rpcapi.ComputeAPI)
    recorder = _Recorder()
    api.client = recorder
    ctxt = context.get_admin_context()
    getattr(api, method)(ctxt, **args(_instance(), _migration()))
    [(server, name, kwargs)] = recorder.casts
    assert (server, name) == (host, method)
    receiver = getattr(manager.ComputeManager, name)
    inspect.signature(receiver).bind(None, ctxt, **kwargs)


@pytest.mark.parametrize('method,kwargs', [
    ('migrate_server', {'flavor': None, 'migration_type': 'resize'}),
    ('unshelve_instance', {}),
])
def test_conductor_cast_fits_the_task_manager(method, kwargs):
    api = conductor_rpcapi.ComputeTaskAPI.__new__(
        conductor_rpcapi.ComputeTaskAPI)
    recorder = _Recorder()
    api.client = recorder
    ctxt = context.get_admin_context()
    getattr(api, method)(ctxt, instance=_instance(), **kwargs)
    [(_server, name, sent)] = recorder.casts
    receiver = getattr(conductor_manager.ComputeTaskManager, name)
    inspect.signature(receiver).bind(None, ctxt, **sent)
