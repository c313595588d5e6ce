"""Remote consoles on the compute side: the manager answers the RPC call
with a proxy URL holding a new token, and its errors reach the caller as
nova.exception classes; tokens die with their instance."""

import datetime

import oslo_messaging as messaging
import pytest
from oslo_utils import timeutils

from nova import context as nova_context
from nova import exception, objects
from nova.compute import manager as compute_manager
from nova.compute import rpcapi as compute_rpcapi
from nova.compute import task_states
from nova.objects import console_auth_token
from nova.tests.unit.compute import test_manager
from nova.virt import driver as virt_driver
from nova.virt import fake

HOST = 'consolehost'


@pytest.fixture
def mgr(ctxt, rpc_bus):
    """A compute manager with the fake driver serving RPC as HOST."""
    manager = compute_manager.ComputeManager(host=HOST,
                                             compute_driver='fake.FakeDriver')
    manager.init_host()
    server = rpc_bus.get_server(
        messaging.Target(topic=compute_rpcapi.RPC_TOPIC, server=HOST),
        [manager])
    server.start()
    yield manager
    server.stop()
    server.wait()
    timeutils.clear_time_override()


def _guest(ctxt, mgr):
    inst = test_manager._instance(ctxt, host=HOST, node=HOST,
                                  vm_state='active', task_state=None)
    mgr.driver.spawn(ctxt, inst, None, [], None, {})
    return inst


def _token(url):
    return url.rsplit('%3D', 1)[1]


def test_vnc_console_over_rpc_stores_a_token_for_the_guest(ctxt, mgr):
    inst = _guest(ctxt, mgr)
    answer = compute_rpcapi.ComputeAPI().get_vnc_console(ctxt, inst,
                                                         'novnc')
    assert answer['type'] == 'novnc'
    assert answer['url'].startswith('http://127.0.0.1:6080/vnc_auto.html?')
    record = objects.ConsoleAuthToken.validate(ctxt, _token(answer['url']))
    assert (record.instance_uuid, record.host, record.port,
            record.console_type) == (inst.uuid, '127.0.0.1',
                                     fake.FakeDriver.VNC_PORT, 'novnc')
    # [consoleauth] token_ttl (600 s by default) from now.
    assert 595 <= record.expires - timeutils.utcnow_ts() <= 600


def test_guest_without_the_console_is_invalid_over_rpc(ctxt, mgr):
    inst = _guest(ctxt, mgr)
    fake.FakeDriver.set_fault(
        'get_vnc_console', virt_driver.ConsoleTypeUnavailable(
            console_type='novnc', reason='the domain has no VNC graphics'))
    with pytest.raises(exception.Invalid) as caught:
        compute_rpcapi.ComputeAPI().get_vnc_console(ctxt, inst, 'novnc')
    assert caught.value.code == 400
    assert 'no VNC graphics' in caught.value.format_message()


def test_disabled_protocol_is_invalid_over_rpc(ctxt, mgr):
    inst = _guest(ctxt, mgr)
    with pytest.raises(exception.Invalid) as caught:
        compute_rpcapi.ComputeAPI().get_serial_console(ctxt, inst, 'serial')
    assert 'serial' in caught.value.format_message()


def test_missing_guest_is_a_conflict_over_rpc(ctxt, mgr):
    inst = test_manager._instance(ctxt, host=HOST, node=HOST)
    with pytest.raises(exception.Conflict):
        compute_rpcapi.ComputeAPI().get_vnc_console(ctxt, inst, 'novnc')


def test_periodic_task_purges_expired_tokens_of_its_instances(ctxt, mgr):
    inst = _guest(ctxt, mgr)
    url = mgr.get_vnc_console(ctxt, inst, 'novnc')['url']
    timeutils.set_time_override(timeutils.utcnow() + datetime.timedelta(
        seconds=601))
    mgr._clean_expired_console_tokens(ctxt)
    timeutils.clear_time_override()
    with pytest.raises(console_auth_token.InvalidToken):
        objects.ConsoleAuthToken.validate(ctxt, _token(url))


def test_terminate_removes_the_instances_tokens(ctxt, host1):
    inst = test_manager._instance(ctxt)
    test_manager._allocate(ctxt, host1, inst)
    built = test_manager._build(host1, ctxt, inst)
    url = host1.get_vnc_console(ctxt, built, 'novnc')['url']
    built.task_state = task_states.DELETING
    built.save()
    host1.terminate_instance(ctxt, built, [])
    admin = nova_context.get_admin_context()
    assert objects.ConsoleAuthToken.clean_console_auths_for_instance(
        admin, inst.uuid) == 0
    with pytest.raises(console_auth_token.InvalidToken):
        objects.ConsoleAuthToken.validate(ctxt, _token(url))
