"""nova-compute ends the task states nothing works on: fake driver,
SQLite cell DB, real Placement."""

import datetime
import threading

import pytest
from oslo_utils import timeutils, uuidutils

import nova.conf
from nova import exception, objects
from nova.compute import power_state, stalled, task_states, vm_states
from nova.scheduler.client import report
from nova.tests.unit.compute.test_manager import conductor  # noqa: F401
from nova.virt import fake

CONF = nova.conf.CONF
TIMEOUT = 600


@pytest.fixture(autouse=True)
def _timeout():
    CONF.set_override('task_state_timeout', TIMEOUT)
    yield
    CONF.clear_override('task_state_timeout')
    timeutils.clear_time_override()


def _instance(ctxt, mgr, **kw):
    flavor = objects.Flavor(id=1, flavorid='1', name='m1.tiny',
                            memory_mb=512, vcpus=1, root_gb=1,
                            ephemeral_gb=0, swap=0)
    values = {'uuid': uuidutils.generate_uuid(), 'project_id': 'p',
              'user_id': 'u', 'vm_state': vm_states.ACTIVE,
              'task_state': None, 'power_state': power_state.RUNNING,
              'flavor': flavor, 'vcpus': 1, 'memory_mb': 512, 'root_gb': 1,
              'ephemeral_gb': 0, 'display_name': 'vm', 'host': mgr.host,
              'node': mgr.host}
    values.update(kw)
    inst = objects.Instance(ctxt, **values)
    inst.create()
    return inst


def _later(seconds):
    """Move the clock ``seconds`` past now (the DB rows stay as saved)."""
    timeutils.set_time_override(
        timeutils.utcnow() + datetime.timedelta(seconds=seconds))


def _reload(ctxt, inst):
    return objects.Instance.get_by_uuid(ctxt, inst.uuid,
                                        expected_attrs=['fault'])


@pytest.fixture
def guest(ctxt, host1):
    inst = _instance(ctxt, host1)
    host1.driver.spawn(ctxt, inst, None, [], None, {})
    return inst


def test_a_lost_reboot_is_cleared_with_a_fault_naming_the_cause(
        ctxt, host1, guest):
    guest.task_state = task_states.REBOOTING
    guest.save()
    _later(TIMEOUT + 1)
    assert stalled.end_stalled_tasks(host1, ctxt) == 1
    got = _reload(ctxt, guest)
    assert (got.vm_state, got.task_state, got.power_state) == (
        vm_states.ACTIVE, None, power_state.RUNNING)
    assert f'nothing happened for {TIMEOUT} s on host host1' in \
        got.fault.message
    assert 'rebooting' in got.fault.message


def test_a_task_younger_than_the_timeout_is_left_alone(ctxt, host1, guest):
    guest.task_state = task_states.POWERING_OFF
    guest.save()
    _later(TIMEOUT - 30)
    assert stalled.end_stalled_tasks(host1, ctxt) == 0
    assert _reload(ctxt, guest).task_state == task_states.POWERING_OFF


def test_a_task_an_operation_is_working_on_is_left_alone(ctxt, host1, guest):
    guest.task_state = task_states.IMAGE_UPLOADING
    guest.save()
    _later(TIMEOUT + 1)
    with host1.operations.running(guest.uuid):
        assert stalled.end_stalled_tasks(host1, ctxt) == 0
    assert _reload(ctxt, guest).task_state == task_states.IMAGE_UPLOADING


def test_zero_timeout_disables_the_deadline(ctxt, host1, guest):
    CONF.set_override('task_state_timeout', 0)
    guest.task_state = task_states.REBOOTING
    guest.save()
    _later(10 ** 6)
    assert stalled.end_stalled_tasks(host1, ctxt) == 0
    assert _reload(ctxt, guest).task_state == task_states.REBOOTING


def test_a_build_no_operation_runs_goes_to_error_and_frees_placement(
        ctxt, host1):
    inst = _instance(ctxt, host1, vm_state=vm_states.BUILDING,
                     task_state=task_states.SPAWNING,
                     power_state=power_state.NOSTATE)
    rp = host1.rt.compute_nodes[host1.host].uuid
    client = report.report_client_singleton()
    assert client.claim_resources(ctxt, inst.uuid, {'allocations': {rp: {
        'resources': {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1}}}},
        'p', 'u')
    _later(TIMEOUT + 1)
    assert stalled.end_stalled_tasks(host1, ctxt) == 1
    got = _reload(ctxt, inst)
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert 'nothing happened for' in got.fault.message
    assert 'delete the server and create it again' in got.fault.message
    assert client.get_allocations_for_consumer(ctxt, inst.uuid) == {}


def test_a_lost_delete_is_finished(ctxt, host1, guest):
    guest.task_state = task_states.DELETING
    guest.save()
    _later(TIMEOUT + 1)
    assert stalled.end_stalled_tasks(host1, ctxt) == 1
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(ctxt, guest.uuid)
    assert guest.uuid not in host1.driver.list_instance_uuids()


def test_an_rpc_method_counts_its_instance_as_worked_on(ctxt, host1, guest):
    """A reboot that takes long is not mistaken for a lost one."""
    release = threading.Event()
    fake.FakeDriver.set_delay('reboot', release)
    guest.task_state = task_states.REBOOTING
    guest.save()
    worker = threading.Thread(target=host1.reboot_instance,
                              args=(ctxt,), kwargs={'instance': guest})
    worker.start()
    try:
        for _ in range(100):
            if guest.uuid in host1.operations:
                break
            threading.Event().wait(0.05)
        assert guest.uuid in host1.operations
    finally:
        release.set()
        worker.join(10)
    assert guest.uuid not in host1.operations


def test_a_build_in_the_pool_counts_until_it_ends(ctxt, host1):
    release = threading.Event()
    fake.FakeDriver.set_delay('spawn', release)
    inst = _instance(ctxt, host1, vm_state=vm_states.BUILDING,
                     task_state=task_states.SCHEDULING, host=None,
                     node=None, power_state=power_state.NOSTATE)
    host1.build_and_run_instance(
        ctxt, instance=inst, image={'id': uuidutils.generate_uuid()},
        request_spec=None, filter_properties={}, node=host1.host)
    try:
        assert inst.uuid in host1.operations
    finally:
        release.set()
        host1.wait_for_builds(30)
    assert inst.uuid not in host1.operations


def test_a_build_arriving_after_a_deadline_ended_it_leaves_it_alone(
        ctxt, host1, conductor):  # noqa: F811 - the fixture
    """The build message was queued while the conductor's deadline ended
    the instance: no guest, no reschedule, the deadline's fault stays."""
    from nova.compute import utils as compute_utils
    from nova.conductor import stalled as conductor_stalled
    inst = _instance(ctxt, host1, vm_state=vm_states.ERROR, task_state=None,
                     host=None, node=None, power_state=power_state.NOSTATE)
    compute_utils.add_instance_fault_from_exc(
        ctxt, inst, conductor_stalled.NeverTakenByCompute(task='scheduling',
                                                          timeout=600))
    alternate = objects.Selection(
        compute_node_uuid=uuidutils.generate_uuid(), service_host='host2',
        nodename='host2', cell_uuid=uuidutils.generate_uuid())
    host1.build_and_run_instance(
        ctxt, instance=inst, image={'id': uuidutils.generate_uuid()},
        request_spec=None, filter_properties={}, node=host1.host,
        host_list=[alternate])
    host1.wait_for_builds(30)
    got = _reload(ctxt, inst)
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert got.fault.message.startswith('No compute host took up')
    assert inst.uuid not in host1.driver.list_instance_uuids()
    assert not conductor.called.wait(0.5)


def test_builds_not_started_go_back_to_the_queue_at_stop(
        ctxt, host1, monkeypatch):
    """A stop hands queued builds back to this host's (durable) queue
    instead of losing them with the process."""
    release = threading.Event()
    fake.FakeDriver.set_delay('spawn', release)
    sent = []
    monkeypatch.setattr(host1.compute_rpcapi, 'build_and_run_instance',
                        lambda ctxt, **kw: sent.append(kw))
    host1._build_executor._max_workers = 1      # one build at a time
    first, second = (
        _instance(ctxt, host1, vm_state=vm_states.BUILDING,
                  task_state=task_states.SCHEDULING, host=None, node=None,
                  power_state=power_state.NOSTATE) for _ in range(2))
    for inst in (first, second):
        host1.build_and_run_instance(
            ctxt, instance=inst, image={'id': uuidutils.generate_uuid()},
            request_spec=None, filter_properties={}, node=host1.host)
    try:
        host1._hand_back_queued_builds()
    finally:
        release.set()
        host1.wait_for_builds(30)
    assert [(kw['host'], kw['instance'].uuid) for kw in sent] == [
        (host1.host, second.uuid)]
