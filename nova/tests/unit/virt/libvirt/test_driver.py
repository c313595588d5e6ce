"""LibvirtDriver against libvirt's own test hypervisor (test:///node.xml).

The test hypervisor keeps domains in memory and runs nothing, so these
tests need libvirt-python but no libvirtd; images and disks are real
(qemu-img).
"""

import json
import os
import shutil
import tempfile
import types
import uuid
import xml.etree.ElementTree as ET

import pytest

import nova.conf
from nova import exception
from nova.compute import power_state
from nova.tests.unit.virt.libvirt import helpers
from nova.virt import driver as virt_driver
from nova.virt.libvirt import config as libvirt_config
from nova.virt.libvirt import driver as libvirt_driver
from nova.virt.libvirt import host as libvirt_host
from nova.virt.libvirt import vif

CONF = nova.conf.CONF

pytestmark = [
    pytest.mark.skipif(libvirt_host.libvirt is None,
                       reason='libvirt-python is not installed '
                              '(tools/setup-libvirt installs it)'),
    pytest.mark.skipif(shutil.which('qemu-img') is None,
                       reason='qemu-img is not installed'),
]

IMAGE_ID = helpers.IMAGE_ID


def _instance(**kwargs):
    values = {'uuid': str(uuid.uuid4()), 'memory_mb': 256, 'vcpus': 1,
              'root_gb': 1, 'ephemeral_gb': 0, 'image_ref': IMAGE_ID}
    values.update(kwargs)
    return types.SimpleNamespace(**values)


def _spawn(drv, instance, network_info=None, image_meta=None):
    if image_meta is None:
        image_meta = {'id': IMAGE_ID}
    drv.spawn(None, instance, image_meta, [], None, {},
              network_info=network_info)


def _domain_xml(drv, instance):
    return ET.fromstring(drv._host.find_domain(instance.uuid).XMLDesc())


def test_loaded_by_name(conf):
    assert isinstance(
        virt_driver.load_compute_driver('libvirt.LibvirtDriver'),
        libvirt_driver.LibvirtDriver)


def test_init_host_refuses_virt_type_libvirt_does_not_offer(drv):
    # The test hypervisor offers only domain type 'test'.
    with pytest.raises(exception.ServiceUnavailable,
                       match='virt_type=qemu'):
        drv.init_host('host1')


def test_available_resource_reports_host_totals(drv):
    res = drv.get_available_resource('node1')
    assert (res['vcpus'], res['memory_mb']) == (4, 16384)
    assert res['local_gb'] > 0
    assert res['hypervisor_type'] == 'TEST'
    assert res['hypervisor_hostname'] == 'node1'
    assert json.loads(res['cpu_info'])['topology'] == {
        'sockets': 1, 'cores': 1, 'threads': 1}


def test_spawn_runs_guest_with_disk_and_console_in_instance_dir(drv):
    inst = _instance()
    _spawn(drv, inst)
    inst_dir = os.path.join(CONF.instances_path, inst.uuid)
    root = _domain_xml(drv, inst)
    assert root.findtext('name') == f'instance-{inst.uuid}'
    disk = root.find('devices/disk')
    assert disk.find('source').get('file') == os.path.join(inst_dir, 'disk')
    assert disk.find('driver').get('type') == 'qcow2'
    assert root.find('devices/serial/source').get('path') == os.path.join(
        inst_dir, 'console.log')
    assert drv.get_info(inst).state == power_state.RUNNING
    assert drv.list_instance_uuids() == [inst.uuid]


def test_domain_xml_libvirt_keeps_parses_back_to_guest_config(drv):
    inst = _instance(vcpus=2)
    nic = {'id': 'v1', 'address': 'fa:16:3e:00:00:05', 'type': 'bridge',
           'devname': 'tapv1', 'network': {'bridge': 'lo'}}
    _spawn(drv, inst, network_info=[nic])
    kept = libvirt_config.GuestConfig.from_xml(
        drv._host.find_domain(inst.uuid).XMLDesc())
    wanted = drv.guest_config(inst, kept.disks[0], [nic])
    assert kept == wanted


def test_instances_path_under_closed_dir_is_reported(tmp_path):
    closed = tmp_path / 'closed'
    (closed / 'instances').mkdir(parents=True)
    closed.chmod(0o700)
    assert not libvirt_driver._warn_if_unreachable(
        str(closed / 'instances'))


def test_instances_path_under_open_dirs_is_fine():
    with tempfile.TemporaryDirectory(dir='/tmp') as path:
        os.chmod(path, 0o755)
        assert libvirt_driver._warn_if_unreachable(
            os.path.join(path, 'instances'))


def test_spawn_counts_vcpus_as_used(drv):
    _spawn(drv, _instance(vcpus=2))
    assert drv.get_available_resource('n')['vcpus_used'] == 2


def test_two_instances_of_one_image_share_one_download(drv, images):
    _spawn(drv, _instance())
    _spawn(drv, _instance())
    assert images.downloads == {IMAGE_ID: 1}


def test_spawn_plugs_bridge_vif(drv):
    inst = _instance()
    # 'lo' exists everywhere; the test hypervisor does not plug anything.
    nic = {'id': 'v1', 'address': 'fa:16:3e:00:00:02', 'type': 'bridge',
           'devname': 'tapv1', 'network': {'bridge': 'lo'}}
    _spawn(drv, inst, network_info=[nic])
    iface = _domain_xml(drv, inst).find('devices/interface')
    assert iface.find('source').get('bridge') == 'lo'
    assert iface.find('mac').get('address') == 'fa:16:3e:00:00:02'


def test_spawn_of_existing_instance_raises_and_keeps_it(drv):
    inst = _instance()
    _spawn(drv, inst)
    with pytest.raises(exception.InstanceExists):
        _spawn(drv, inst)
    assert drv.get_info(inst).state == power_state.RUNNING


def test_spawn_with_unknown_image_leaves_nothing(drv):
    inst = _instance(image_ref='nope')
    with pytest.raises(exception.ImageNotFound):
        _spawn(drv, inst, image_meta={'id': 'nope'})
    assert drv.list_instance_uuids() == []
    assert not os.path.exists(os.path.join(CONF.instances_path, inst.uuid))


def test_spawn_with_unsupported_vif_leaves_nothing(drv):
    inst = _instance()
    nic = {'id': 'v1', 'address': 'fa:16:3e:00:00:03', 'type': 'ovs',
           'network': {'bridge': 'br-int'}}
    with pytest.raises(exception.InstanceSpawnFailure, match='ovs'):
        _spawn(drv, inst, network_info=[nic])
    assert drv.list_instance_uuids() == []
    assert not os.path.exists(os.path.join(CONF.instances_path, inst.uuid))


def test_spawn_without_image_is_refused(drv):
    with pytest.raises(exception.InstanceSpawnFailure, match='volume'):
        _spawn(drv, _instance(image_ref=None), image_meta={})


def test_destroy_removes_domain_and_instance_dir(drv):
    inst = _instance()
    _spawn(drv, inst)
    drv.destroy(None, inst, [])
    assert drv.list_instance_uuids() == []
    assert not os.path.exists(os.path.join(CONF.instances_path, inst.uuid))
    with pytest.raises(exception.InstanceNotFound):
        drv.get_info(inst)


def test_destroy_of_missing_guest_succeeds(drv):
    drv.destroy(None, _instance(), [])
    assert drv.list_instance_uuids() == []


class _SlowToDieDomain:
    """A domain whose first ``failures`` destroy() calls fail the way
    libvirt does when QEMU does not die in time."""

    def __init__(self, failures):
        self.failures = failures
        self.active = True

    def isActive(self):
        return self.active

    def UUIDString(self):
        return 'slow'

    def destroy(self):
        if self.failures:
            self.failures -= 1
            lv = libvirt_host.libvirt
            err = lv.libvirtError('Failed to terminate')
            err.get_error_code = lambda: lv.VIR_ERR_SYSTEM_ERROR
            raise err
        self.active = False


def test_stop_retries_domain_slow_to_die(monkeypatch):
    monkeypatch.setattr(libvirt_driver.time, 'sleep', lambda s: None)
    dom = _SlowToDieDomain(failures=2)
    libvirt_driver.LibvirtDriver._stop_now(dom)
    assert not dom.active


def test_stop_gives_up_after_repeated_failures(monkeypatch):
    monkeypatch.setattr(libvirt_driver.time, 'sleep', lambda s: None)
    dom = _SlowToDieDomain(failures=libvirt_driver.DESTROY_ATTEMPTS)
    with pytest.raises(libvirt_host.libvirt.libvirtError):
        libvirt_driver.LibvirtDriver._stop_now(dom)


def test_get_info_of_unknown_instance_raises_not_found(drv):
    with pytest.raises(exception.InstanceNotFound):
        drv.get_info(_instance())


def test_power_off_then_on(drv):
    inst = _instance()
    _spawn(drv, inst)
    drv.power_off(inst)
    assert drv.get_info(inst).state == power_state.SHUTDOWN
    drv.power_off(inst)     # already off: not an error
    drv.power_on(None, inst, [])
    assert drv.get_info(inst).state == power_state.RUNNING


def test_hard_reboot_leaves_guest_running(drv):
    inst = _instance()
    _spawn(drv, inst)
    drv.reboot(None, inst, [], 'HARD')
    assert drv.get_info(inst).state == power_state.RUNNING


def test_hard_reboot_of_suspended_guest_boots_afresh(drv):
    inst = _instance()
    _spawn(drv, inst)
    drv.suspend(None, inst)
    drv.reboot(None, inst, [], 'HARD')
    dom = drv.domain(inst)
    assert drv.get_info(inst).state == power_state.RUNNING
    # Booted, not restored from the saved memory.
    assert dom.state()[1] == libvirt_host.libvirt.VIR_DOMAIN_RUNNING_BOOTED
    assert not dom.hasManagedSaveImage(0)


def test_soft_reboot_shuts_the_guest_down_and_starts_it(drv):
    inst = _instance()
    _spawn(drv, inst)
    first_id = drv.domain(inst).ID()
    drv.reboot(None, inst, [], 'SOFT')
    dom = drv.domain(inst)
    assert drv.get_info(inst).state == power_state.RUNNING
    # A new QEMU process: the test driver numbers each start.
    assert dom.ID() != first_id


class _DeafDomain:
    """A running guest that ignores the ACPI power button."""

    def __init__(self):
        self.active = True
        self.calls = []

    def isActive(self):
        return self.active

    def UUIDString(self):
        return 'deaf'

    def shutdown(self):
        self.calls.append('shutdown')

    def hasManagedSaveImage(self, flags):
        return False

    def destroy(self):
        self.calls.append('destroy')
        self.active = False

    def create(self):
        self.calls.append('create')
        self.active = True


def test_soft_reboot_of_guest_ignoring_acpi_becomes_hard(drv, monkeypatch):
    clock = iter(range(0, 10000, 1))
    monkeypatch.setattr(libvirt_driver.time, 'monotonic',
                        lambda: next(clock))
    monkeypatch.setattr(libvirt_driver.time, 'sleep', lambda s: None)
    CONF.set_override('wait_soft_reboot_seconds', 5, group='libvirt')
    dom = _DeafDomain()
    monkeypatch.setattr(drv, 'domain', lambda inst: dom)
    try:
        drv.reboot(None, _instance(), [], 'SOFT')
    finally:
        CONF.clear_override('wait_soft_reboot_seconds', group='libvirt')
    # Not a silent no-op: the guest really restarts.
    assert dom.calls == ['shutdown', 'destroy', 'create']
    assert dom.active


def test_soft_reboot_without_wait_is_hard(drv, monkeypatch):
    CONF.set_override('wait_soft_reboot_seconds', 0, group='libvirt')
    dom = _DeafDomain()
    monkeypatch.setattr(drv, 'domain', lambda inst: dom)
    try:
        drv.reboot(None, _instance(), [], 'SOFT')
    finally:
        CONF.clear_override('wait_soft_reboot_seconds', group='libvirt')
    assert dom.calls == ['destroy', 'create']


def test_console_output_is_the_serial_log(drv):
    inst = _instance()
    _spawn(drv, inst)
    with open(os.path.join(CONF.instances_path, inst.uuid,
                           'console.log'), 'w') as log:
        log.write('hello from the guest\n')
    assert drv.get_console_output(None, inst) == 'hello from the guest\n'


def test_host_reconnects_after_connection_loss(drv):
    conn = drv._host.get_connection()
    conn.close()
    assert drv._host.get_connection().isAlive()


@pytest.mark.parametrize('virt_type,mode,model,expected', [
    ('qemu', None, None, None),
    ('kvm', None, None, 'host-model'),
    ('qemu', 'custom', 'qemu64', 'custom'),
    ('kvm', 'host-passthrough', None, 'host-passthrough'),
])
def test_guest_cpu_mode(virt_type, mode, model, expected):
    cpu = libvirt_driver.guest_cpu(virt_type, mode, model)
    assert (cpu.mode if cpu else None) == expected


@pytest.mark.parametrize('virt_type,mode,model,message', [
    ('qemu', 'host-model', None, 'needs virt_type=kvm'),
    ('qemu', 'custom', None, 'cpu_model is not set'),
])
def test_guest_cpu_refuses_impossible_modes(virt_type, mode, model, message):
    with pytest.raises(exception.InstanceSpawnFailure, match=message):
        libvirt_driver.guest_cpu(virt_type, mode, model)


def test_vif_on_missing_bridge_is_skipped_when_not_creating_bridges():
    nic = {'id': 'v1', 'address': 'fa:16:3e:00:00:04', 'type': 'bridge',
           'network': {'bridge': 'nobr-absent0'}}
    assert vif.interfaces_for([nic], create_missing_bridges=False) == []
