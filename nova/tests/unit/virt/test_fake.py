"""The fake driver honours the virt driver contract."""

import threading
import time
import types
import uuid

import pytest

import nova.conf
from nova import exception
from nova.compute import power_state
from nova.virt import driver, fake

CONF = nova.conf.CONF


def _instance(vcpus=2, memory_mb=512, root_gb=1):
    return types.SimpleNamespace(uuid=str(uuid.uuid4()), display_name='vm',
                                 vcpus=vcpus, memory_mb=memory_mb,
                                 root_gb=root_gb, ephemeral_gb=0)


@pytest.fixture
def drv():
    fake.FakeDriver.clear_faults()
    d = driver.load_compute_driver('fake.FakeDriver')
    d.init_host('host1')
    yield d
    fake.FakeDriver.clear_faults()


def test_load_compute_driver_returns_fake_driver():
    assert isinstance(driver.load_compute_driver('fake.FakeDriver'),
                      fake.FakeDriver)


def test_load_compute_driver_unknown_name_raises_not_found():
    with pytest.raises(exception.VirtDriverNotFound, match='nope.Driver'):
        driver.load_compute_driver('nope.Driver')


def test_base_driver_lifecycle_is_not_implemented():
    with pytest.raises(NotImplementedError):
        driver.ComputeDriver().power_off(_instance())


def test_node_named_after_host(drv):
    assert drv.get_available_nodes() == ['host1']


def test_resources_from_config_and_guests(drv):
    CONF.set_override('fake_vcpus', 8, group='compute')
    try:
        drv.spawn(None, _instance(vcpus=2, memory_mb=256, root_gb=3),
                  None, [], None, {})
        res = drv.get_available_resource('host1')
    finally:
        CONF.clear_override('fake_vcpus', group='compute')
    assert (res['vcpus'], res['vcpus_used'], res['memory_mb_used'],
            res['local_gb_used']) == (8, 2, 256, 3)
    assert res['hypervisor_hostname'] == 'host1'


def test_spawn_then_running_and_destroy_removes(drv):
    inst = _instance()
    drv.spawn(None, inst, None, [], None, {})
    assert drv.get_info(inst).state == power_state.RUNNING
    drv.destroy(None, inst, [])
    assert drv.list_instance_uuids() == []


def test_destroy_of_missing_guest_succeeds(drv):
    drv.destroy(None, _instance(), [])
    assert drv.list_instance_uuids() == []


def test_get_info_of_missing_guest_raises_not_found(drv):
    with pytest.raises(exception.InstanceNotFound):
        drv.get_info(_instance())


def test_hosts_keep_separate_guests(drv):
    other = fake.FakeDriver()
    other.init_host('host2')
    drv.spawn(None, _instance(), None, [], None, {})
    assert other.list_instance_uuids() == []


def test_power_transitions(drv):
    inst = _instance()
    drv.spawn(None, inst, None, [], None, {})
    drv.power_off(inst)
    assert drv.get_info(inst).state == power_state.SHUTDOWN
    drv.power_on(None, inst, [])
    drv.pause(inst)
    assert drv.get_info(inst).state == power_state.PAUSED
    drv.unpause(inst)
    assert drv.get_info(inst).state == power_state.RUNNING


def test_unpause_of_running_guest_is_invalid(drv):
    inst = _instance()
    drv.spawn(None, inst, None, [], None, {})
    with pytest.raises(exception.InstanceInvalidState):
        drv.unpause(inst)


def test_fault_on_one_host_only(drv):
    other = fake.FakeDriver()
    other.init_host('host2')
    fake.FakeDriver.set_fault('spawn', RuntimeError('boom'), host='host1')
    with pytest.raises(RuntimeError, match='boom'):
        drv.spawn(None, _instance(), None, [], None, {})
    other.spawn(None, _instance(), None, [], None, {})
    assert len(other.list_instance_uuids()) == 1
    assert drv.list_instance_uuids() == []


def test_fault_with_count_expires(drv):
    fake.FakeDriver.set_fault('spawn', RuntimeError('once'), count=1)
    with pytest.raises(RuntimeError):
        drv.spawn(None, _instance(), None, [], None, {})
    drv.spawn(None, _instance(), None, [], None, {})
    assert len(drv.list_instance_uuids()) == 1


def test_delay_event_blocks_until_set(drv):
    gate = threading.Event()
    fake.FakeDriver.set_delay('spawn', gate)
    inst = _instance()
    thread = threading.Thread(
        target=drv.spawn, args=(None, inst, None, [], None, {}))
    thread.start()
    time.sleep(0.1)
    assert drv.list_instance_uuids() == []
    gate.set()
    thread.join(5)
    assert drv.list_instance_uuids() == [inst.uuid]
