"""ComputeManager build and terminate: fake driver, fake:// RPC, SQLite
cell DB and the real Placement."""

import json
import threading
import time

import oslo_messaging as messaging
import pytest
from oslo_utils import uuidutils

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import manager as compute_manager
from nova.compute import power_state, task_states, vm_states
from nova.compute import rpcapi as compute_rpcapi
from nova.scheduler.client import report
from nova.tests.unit.compute.conftest import start_compute
from nova.virt import fake

CONF = nova.conf.CONF
IMAGE = '155d900f-4e14-4e4c-a73d-069cbf4541e6'


class FakeConductor:
    """Stands in for nova-conductor's compute_task endpoint: records the
    reschedules it is sent (the conductor is another engineer's part)."""

    target = messaging.Target(namespace='compute_task', version='1.0')

    def __init__(self):
        self.calls = []
        self.called = threading.Event()

    def build_instances(self, context, **kwargs):
        self.calls.append(kwargs)
        self.called.set()


@pytest.fixture
def conductor(rpc_bus):
    endpoint = FakeConductor()
    server = rpc_bus.get_server(
        messaging.Target(topic='conductor', server='cond'), [endpoint])
    server.start()
    yield endpoint
    server.stop()
    server.wait()


def _instance(ctxt, vcpus=1, **kw):
    flavor = objects.Flavor(id=1, flavorid='1', name='m1.tiny',
                            memory_mb=512, vcpus=vcpus, root_gb=1,
                            ephemeral_gb=0, swap=0)
    values = {'uuid': uuidutils.generate_uuid(), 'project_id': 'p',
                  'user_id': 'u', 'vm_state': vm_states.BUILDING,
                  'task_state': task_states.SCHEDULING, 'power_state': 0,
                  'flavor': flavor, 'vcpus': vcpus, 'memory_mb': 512, 'root_gb': 1,
                  'ephemeral_gb': 0, 'display_name': 'vm'}
    values.update(kw)
    inst = objects.Instance(ctxt, **values)
    inst.create()
    objects.InstanceAction.action_start(ctxt, inst.uuid, 'create',
                                        want_result=False)
    return inst


def _allocate(ctxt, mgr, inst):
    rp = mgr.rt.compute_nodes[mgr.host].uuid
    assert report.report_client_singleton().claim_resources(
        ctxt, inst.uuid, {'allocations': {rp: {'resources': {
            'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1}}}}, 'p', 'u')
    return rp


def _selection(mgr):
    return objects.Selection(
        compute_node_uuid=mgr.rt.compute_nodes[mgr.host].uuid
        if mgr.host in mgr.rt.compute_nodes else uuidutils.generate_uuid(),
        service_host=mgr.host, nodename=mgr.host,
        cell_uuid=uuidutils.generate_uuid())


def _build(mgr, ctxt, inst, **kw):
    args = {'image': {'id': IMAGE}, 'request_spec': None,
                'filter_properties': {}, 'node': mgr.host}
    args.update(kw)
    mgr.build_and_run_instance(ctxt, inst, **args)
    mgr.wait_for_builds(30)
    return objects.Instance.get_by_uuid(ctxt, inst.uuid,
                                        expected_attrs=['info_cache',
                                                        'fault'])


def _events(ctxt, inst):
    action = objects.InstanceAction.get_by_request_id(ctxt, inst.uuid,
                                                      ctxt.request_id)
    return {e.event: e for e in
            objects.InstanceActionEventList.get_by_action(ctxt, action.id)}


def test_build_makes_instance_active_with_addresses(ctxt, host1):
    inst = _instance(ctxt)
    _allocate(ctxt, host1, inst)
    got = _build(host1, ctxt, inst)
    assert (got.vm_state, got.task_state, got.power_state, got.host,
            got.node) == (vm_states.ACTIVE, None, power_state.RUNNING,
                          'host1', 'host1')
    assert got.launched_at is not None
    [vif] = json.loads(got.info_cache.network_info)
    assert vif['network']['subnets'][0]['ips'][0]['address'] == '10.0.0.2'
    assert host1.driver.list_instance_uuids() == [inst.uuid]
    event = _events(ctxt, inst)['compute__do_build_and_run_instance']
    assert event.result == 'Success'


def test_build_with_networks_none_has_no_vif(ctxt, host1):
    got = _build(host1, ctxt, _instance(ctxt), requested_networks='none')
    assert (got.vm_state, json.loads(got.info_cache.network_info)) == (
        vm_states.ACTIVE, [])


def test_build_cast_over_rpc_returns_before_spawn_ends(ctxt, host1,
                                                       rpc_bus):
    server = rpc_bus.get_server(
        messaging.Target(topic='compute', server='host1'), [host1])
    server.start()
    gate = threading.Event()
    fake.FakeDriver.set_delay('spawn', gate, host='host1')
    try:
        inst = _instance(ctxt)
        compute_rpcapi.ComputeAPI().build_and_run_instance(
            ctxt, inst, 'host1', image={'id': IMAGE}, request_spec=None,
            filter_properties={}, node='host1')
        check = nova_context.get_admin_context()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            state = objects.Instance.get_by_uuid(check, inst.uuid).task_state
            if state == task_states.SPAWNING:
                break
            time.sleep(0.05)
        assert state == task_states.SPAWNING
        gate.set()
        host1.wait_for_builds(10)
        assert objects.Instance.get_by_uuid(
            check, inst.uuid).vm_state == vm_states.ACTIVE
    finally:
        gate.set()
        server.stop()
        server.wait()


def test_failing_spawn_without_alternate_is_error_with_fault(ctxt, host1,
                                                             placement):
    fake.FakeDriver.set_fault('spawn', RuntimeError('disk full'),
                              host='host1')
    inst = _instance(ctxt)
    _allocate(ctxt, host1, inst)
    got = _build(host1, ctxt, inst)
    assert (got.vm_state, got.task_state, got.host) == (
        vm_states.ERROR, None, None)
    assert 'host1' in got.fault.message and 'disk full' in got.fault.message
    assert report.report_client_singleton().get_allocations_for_consumer(
        ctxt, inst.uuid) == {}
    assert objects.VirtualInterfaceList.get_by_instance_uuid(
        ctxt, inst.uuid).objects == []
    assert objects.ComputeNode.get_by_host_and_nodename(
        ctxt, 'host1', 'host1').vcpus_used == 0
    assert _events(ctxt, inst)[
        'compute__do_build_and_run_instance'].result == 'Error'


def test_claim_too_big_is_error_saying_what_is_short(ctxt, host1):
    CONF.set_override('fake_vcpus', 2, group='compute')
    try:
        host1.rt.update_available_resource(ctxt)
        got = _build(host1, ctxt, _instance(ctxt, vcpus=100))
    finally:
        CONF.clear_override('fake_vcpus', group='compute')
    assert got.vm_state == vm_states.ERROR
    assert 'Insufficient compute resources' in got.fault.message
    assert '100 VCPU wanted' in got.fault.message


def test_failing_spawn_reschedules_to_alternate(ctxt, host1, conductor):
    fake.FakeDriver.set_fault('spawn', RuntimeError('boom'), host='host1')
    inst = _instance(ctxt)
    _allocate(ctxt, host1, inst)
    host2 = objects.Selection(
        compute_node_uuid=uuidutils.generate_uuid(), service_host='host2',
        nodename='host2', cell_uuid=uuidutils.generate_uuid())
    got = _build(host1, ctxt, inst,
                 host_list=[_selection(host1), host2])
    assert conductor.called.wait(10)
    [call] = conductor.calls
    assert [s.service_host for s in call['host_lists'][0]] == ['host2']
    assert [i.uuid for i in call['instances']] == [inst.uuid]
    retry = call['filter_properties']['retry']
    assert (retry['hosts'], retry['exc_reason']) == (
        [['host1', 'host1']], 'RuntimeError: boom')
    assert (got.vm_state, got.task_state, got.host) == (
        vm_states.BUILDING, task_states.SCHEDULING, None)
    assert report.report_client_singleton().get_allocations_for_consumer(
        ctxt, inst.uuid) == {}
    assert host1.driver.list_instance_uuids() == []


def test_terminate_deletes_everything(ctxt, host1):
    inst = _instance(ctxt)
    _allocate(ctxt, host1, inst)
    built = _build(host1, ctxt, inst)
    built.task_state = task_states.DELETING
    built.save()
    objects.InstanceAction.action_start(ctxt, inst.uuid, 'delete',
                                        want_result=False)
    host1.terminate_instance(ctxt, built, [])
    gone = objects.Instance.get_by_uuid(ctxt.elevated(read_deleted='yes'),
                                        inst.uuid)
    assert gone.deleted and gone.vm_state == vm_states.DELETED
    assert gone.terminated_at is not None
    assert host1.driver.list_instance_uuids() == []
    assert report.report_client_singleton().get_allocations_for_consumer(
        ctxt, inst.uuid) == {}
    assert objects.VirtualInterfaceList.get_by_instance_uuid(
        ctxt, inst.uuid).objects == []
    assert objects.ComputeNode.get_by_host_and_nodename(
        ctxt, 'host1', 'host1').vcpus_used == 0
    assert _events(ctxt, inst)['compute_terminate_instance'].result == \
        'Success'


def test_restart_sets_interrupted_build_to_error(ctxt, placement, rpc_bus):
    inst = _instance(ctxt, host='host3', node='host3',
                     task_state=task_states.SPAWNING)
    mgr = start_compute('host3')
    got = objects.Instance.get_by_uuid(ctxt, inst.uuid,
                                       expected_attrs=['fault'])
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert 'restarted' in got.fault.message
    mgr.cleanup_host()


def test_restart_finishes_interrupted_delete(ctxt, placement, rpc_bus):
    inst = _instance(ctxt, host='host4', node='host4',
                     vm_state=vm_states.ACTIVE,
                     task_state=task_states.DELETING)
    mgr = start_compute('host4')
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(ctxt, inst.uuid)
    mgr.cleanup_host()


def test_periodic_task_refreshes_usage_after_interval(ctxt, host1):
    _instance(ctxt, host='host1', node='host1', vm_state=vm_states.ACTIVE,
              task_state=None, vcpus=3)
    host1._last_resource_update = float('-inf')
    host1.periodic_tasks(ctxt)
    assert objects.ComputeNode.get_by_host_and_nodename(
        ctxt, 'host1', 'host1').vcpus_used == 3


def _wait_task_state(inst_uuid, state, timeout=10):
    check = nova_context.get_admin_context()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = objects.Instance.get_by_uuid(check, inst_uuid)
        if got.task_state == state:
            return got
        time.sleep(0.05)
    raise AssertionError(f'{inst_uuid} never reached {state}')


def test_delete_during_spawn_waits_then_removes_all(ctxt, host1):
    gate = threading.Event()
    fake.FakeDriver.set_delay('spawn', gate, host='host1')
    inst = _instance(ctxt)
    _allocate(ctxt, host1, inst)
    host1.build_and_run_instance(ctxt, inst, image={'id': IMAGE},
                                 request_spec=None, filter_properties={},
                                 node='host1')
    spawning = _wait_task_state(inst.uuid, task_states.SPAWNING)
    # What the API does on DELETE: task_state deleting, then a cast.
    delete_ctxt = nova_context.get_admin_context()
    spawning._context = delete_ctxt
    spawning.task_state = task_states.DELETING
    spawning.save()
    deleter = threading.Thread(target=host1.terminate_instance,
                               args=(delete_ctxt, spawning, []))
    deleter.start()
    gate.set()
    host1.wait_for_builds(10)
    deleter.join(10)
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(ctxt, inst.uuid)
    assert host1.driver.list_instance_uuids() == []
    assert report.report_client_singleton().get_allocations_for_consumer(
        ctxt, inst.uuid) == {}
    assert objects.VirtualInterfaceList.get_by_instance_uuid(
        ctxt, inst.uuid).objects == []
    assert objects.ComputeNode.get_by_host_and_nodename(
        ctxt, 'host1', 'host1').vcpus_used == 0


def test_max_concurrent_builds_bounds_parallel_spawns(ctxt, placement,
                                                      rpc_bus):
    CONF.set_override('max_concurrent_builds', 1)
    try:
        mgr = start_compute('host5')
    finally:
        CONF.clear_override('max_concurrent_builds')
    gate = threading.Event()
    fake.FakeDriver.set_delay('spawn', gate, host='host5')
    first, second = _instance(ctxt), _instance(ctxt)
    for inst in (first, second):
        mgr.build_and_run_instance(
            nova_context.get_admin_context(), inst, image={'id': IMAGE},
            request_spec=None, filter_properties={}, node='host5')
    _wait_task_state(first.uuid, task_states.SPAWNING)
    time.sleep(0.2)
    assert objects.Instance.get_by_uuid(
        ctxt, second.uuid).task_state == task_states.SCHEDULING
    gate.set()
    mgr.wait_for_builds(10)
    assert objects.Instance.get_by_uuid(
        ctxt, second.uuid).vm_state == vm_states.ACTIVE
    mgr.cleanup_host()


def test_compute_without_db_access_sends_objects_to_conductor(rpc_bus):
    from nova.conductor import rpcapi as conductor_rpcapi
    from nova.objects import base as objects_base
    saved = objects_base.NovaObject.indirection_api
    objects_base.NovaObject.indirection_api = None
    try:
        compute_manager.ComputeManager(host='nodb',
                                       db_allowed=False).init_host()
        assert isinstance(objects_base.NovaObject.indirection_api,
                          conductor_rpcapi.ConductorAPI)
    finally:
        objects_base.NovaObject.indirection_api = saved


def test_instance_deleted_before_build_starts_is_not_built(ctxt, host1):
    inst = _instance(ctxt)
    # What the API does for an instance with no host yet: delete locally.
    local = objects.Instance.get_by_uuid(ctxt, inst.uuid)
    local.vm_state = vm_states.DELETED
    local.task_state = None
    local.save()
    local.destroy()
    _allocate(ctxt, host1, inst)
    host1.build_and_run_instance(ctxt, inst, image={'id': IMAGE},
                                 request_spec=None, filter_properties={},
                                 node='host1')
    host1.wait_for_builds(10)
    assert host1.driver.list_instance_uuids() == []
    assert objects.VirtualInterfaceList.get_by_instance_uuid(
        ctxt, inst.uuid).objects == []
    assert report.report_client_singleton().get_allocations_for_consumer(
        ctxt, inst.uuid) == {}
    assert objects.ComputeNode.get_by_host_and_nodename(
        ctxt, 'host1', 'host1').vcpus_used == 0
