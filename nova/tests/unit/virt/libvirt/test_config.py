"""Guest configs render to libvirt domain XML and parse back."""

import uuid
import xml.etree.ElementTree as ET

import pytest

from nova.virt.libvirt import config


def _guest(**kwargs):
    values = {
        'virt_type': 'qemu', 'name': 'instance-x', 'uuid': str(uuid.uuid4()),
        'memory_mb': 256, 'vcpus': 2,
        'disks': [config.GuestDisk(source_path='/srv/i/disk')],
        'serial': config.GuestSerial(log_path='/srv/i/console.log'),
        'interfaces': [config.GuestInterface(
            bridge='br100', mac='fa:16:3e:00:00:01',
            target_dev='tap0123456789a')]}
    values.update(kwargs)
    return config.GuestConfig(**values)


def test_round_trip_keeps_every_field():
    guest = _guest(cpu=config.GuestCPU(mode='custom', model='qemu64'),
                   graphics=[config.GuestGraphics('vnc', '127.0.0.1')])
    assert config.GuestConfig.from_xml(guest.to_xml()) == guest


def test_domain_has_type_name_uuid_memory_and_vcpus():
    guest = _guest()
    root = ET.fromstring(guest.to_xml())
    assert root.get('type') == 'qemu'
    assert root.findtext('name') == 'instance-x'
    assert root.findtext('uuid') == guest.uuid
    assert root.find('memory').get('unit') == 'KiB'
    assert root.findtext('memory') == str(256 * 1024)
    assert root.findtext('vcpu') == '2'


def test_os_has_machine_type_and_boots_from_hard_disk():
    root = ET.fromstring(_guest(machine_type='q35').to_xml())
    os_type = root.find('os/type')
    assert (os_type.text, os_type.get('arch'), os_type.get('machine')) == (
        'hvm', 'x86_64', 'q35')
    assert root.find('os/boot').get('dev') == 'hd'


def test_no_cpu_element_without_guest_cpu():
    root = ET.fromstring(_guest(cpu=None).to_xml())
    assert root.find('cpu') is None
    assert config.GuestConfig.from_xml(_guest().to_xml()).cpu is None


def test_custom_cpu_names_its_model():
    root = ET.fromstring(
        _guest(cpu=config.GuestCPU(mode='custom', model='Nehalem')).to_xml())
    assert root.find('cpu').get('mode') == 'custom'
    assert root.findtext('cpu/model') == 'Nehalem'


def test_host_model_cpu_has_no_model():
    root = ET.fromstring(
        _guest(virt_type='kvm', cpu=config.GuestCPU()).to_xml())
    assert root.find('cpu').get('mode') == 'host-model'
    assert root.find('cpu/model') is None


def test_disk_is_virtio_file_with_format_and_cache():
    disk = ET.fromstring(_guest().to_xml()).find('devices/disk')
    assert (disk.get('type'), disk.get('device')) == ('file', 'disk')
    assert disk.find('driver').attrib == {'name': 'qemu', 'type': 'qcow2',
                                          'cache': 'none'}
    assert disk.find('source').get('file') == '/srv/i/disk'
    assert disk.find('target').attrib == {'dev': 'vda', 'bus': 'virtio'}


def test_serial_and_console_log_to_the_same_file():
    devices = ET.fromstring(_guest().to_xml()).find('devices')
    serial, console = devices.find('serial'), devices.find('console')
    assert serial.get('type') == console.get('type') == 'file'
    assert (serial.find('source').get('path')
            == console.find('source').get('path') == '/srv/i/console.log')
    assert console.find('target').get('type') == 'serial'


def test_interface_is_virtio_on_the_bridge_with_mac_and_tap():
    iface = ET.fromstring(_guest().to_xml()).find('devices/interface')
    assert iface.get('type') == 'bridge'
    assert iface.find('source').get('bridge') == 'br100'
    assert iface.find('target').get('dev') == 'tap0123456789a'
    assert iface.find('mac').get('address') == 'fa:16:3e:00:00:01'
    assert iface.find('model').get('type') == 'virtio'


def test_guest_without_nics_has_no_interface():
    root = ET.fromstring(_guest(interfaces=[]).to_xml())
    assert root.find('devices/interface') is None


def test_poweroff_destroys_the_domain():
    root = ET.fromstring(_guest().to_xml())
    assert root.findtext('on_poweroff') == 'destroy'


def test_memory_in_other_units_is_read_as_mib():
    xml = ("<domain type='qemu'><name>n</name><uuid>u</uuid>"
           "<memory unit='GiB'>2</memory><vcpu>1</vcpu></domain>")
    assert config.GuestConfig.from_xml(xml).memory_mb == 2048


def test_from_xml_refuses_what_is_not_a_domain():
    with pytest.raises(ValueError, match='not a libvirt domain'):
        config.GuestConfig.from_xml('<network/>')


def test_vnc_graphics_listen_on_the_address_with_a_port_libvirt_picks():
    root = ET.fromstring(_guest(graphics=[
        config.GuestGraphics('vnc', '192.0.2.5')]).to_xml())
    [graphics] = root.findall('devices/graphics')
    assert (graphics.get('type'), graphics.get('autoport'),
            graphics.get('listen')) == ('vnc', 'yes', '192.0.2.5')
    assert graphics.find('listen').get('address') == '192.0.2.5'


def test_guest_without_graphics_has_no_graphics_element():
    assert ET.fromstring(_guest().to_xml()).find('devices/graphics') is None


def test_round_trip_keeps_cdrom_boot_order_and_kernel_boot():
    guest = _guest(
        disks=[config.GuestDisk(source_path='/srv/i/disk.rescue',
                                boot_order=1),
               config.GuestDisk(source_path='/srv/i/disk', target_dev='vdb'),
               config.GuestDisk(source_path='/srv/i/disk.config',
                                driver_type='raw', device='cdrom',
                                target_dev='hdd', target_bus='ide',
                                cache=None, readonly=True)],
        kernel='/srv/k/vmlinuz', initrd='/srv/k/initrd.img',
        cmdline='console=ttyS0 tiny.poweroff', boot_dev=None)
    assert config.GuestConfig.from_xml(guest.to_xml()) == guest


def test_disk_boot_order_replaces_os_boot_device():
    guest = _guest(disks=[config.GuestDisk(source_path='/srv/i/a',
                                           boot_order=1)])
    root = ET.fromstring(guest.to_xml())
    # libvirt refuses <os><boot> together with per-device boot orders.
    assert root.find('os/boot') is None
    assert root.find('devices/disk/boot').get('order') == '1'


def test_cdrom_is_readonly_without_cache_mode():
    disk = config.GuestDisk(source_path='/srv/i/disk.config',
                            driver_type='raw', device='cdrom',
                            target_dev='hdd', target_bus='ide', cache=None,
                            readonly=True).to_element()
    assert disk.get('device') == 'cdrom'
    assert disk.find('readonly') is not None
    assert disk.find('driver').get('cache') is None
