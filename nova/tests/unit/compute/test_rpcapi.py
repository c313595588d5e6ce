"""The compute RPC client reaches the named host's server over fake://."""

import threading

import oslo_messaging as messaging
import pytest
from oslo_utils import uuidutils

import nova.conf
from nova import context, objects
from nova.compute import rpcapi

CONF = nova.conf.CONF


class _Recorder:
    target = messaging.Target(version='1.0')

    def __init__(self):
        self.calls = []
        self.done = threading.Event()

    def build_and_run_instance(self, ctxt, **kwargs):
        self.calls.append(('build', kwargs))
        self.done.set()

    def terminate_instance(self, ctxt, **kwargs):
        self.calls.append(('terminate', kwargs))
        self.done.set()


@pytest.fixture
def servers(rpc_bus):
    objects.register_all()
    recorders = {}
    started = []
    for host in ('hostA', 'hostB'):
        recorders[host] = _Recorder()
        server = rpc_bus.get_server(
            messaging.Target(topic='compute', server=host),
            [recorders[host]])
        server.start()
        started.append(server)
    yield recorders
    for server in started:
        server.stop()
        server.wait()


def _instance(host):
    return objects.Instance(uuid=uuidutils.generate_uuid(), host=host)


def test_build_cast_goes_to_the_named_host_only(servers):
    rpcapi.ComputeAPI().build_and_run_instance(
        context.get_admin_context(), _instance(None), 'hostB', image={},
        request_spec=None, filter_properties={}, node='hostB')
    assert servers['hostB'].done.wait(5)
    [(name, kwargs)] = servers['hostB'].calls
    assert (name, kwargs['node']) == ('build', 'hostB')
    assert servers['hostA'].calls == []


def test_terminate_cast_goes_to_the_instance_host(servers):
    inst = _instance('hostA')
    rpcapi.ComputeAPI().terminate_instance(context.get_admin_context(),
                                           inst, [])
    assert servers['hostA'].done.wait(5)
    [(name, kwargs)] = servers['hostA'].calls
    assert (name, kwargs['instance'].uuid) == ('terminate', inst.uuid)


def test_version_cap_from_upgrade_levels(rpc_bus):
    CONF.set_override('compute', '1.0', group='upgrade_levels')
    try:
        assert rpcapi.ComputeAPI().client.version_cap == '1.0'
    finally:
        CONF.clear_override('compute', group='upgrade_levels')
