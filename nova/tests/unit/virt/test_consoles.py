"""The drivers' get_*_console: where a guest's console listens.

The libvirt driver reads the running domain's XML; a stand-in domain
gives it that XML, so libvirt-python is not needed here.
"""

import types
import uuid

import pytest

import nova.conf
from nova import exception
from nova.virt import driver, fake
from nova.virt.libvirt import driver as libvirt_driver

CONF = nova.conf.CONF


def _instance():
    return types.SimpleNamespace(uuid=str(uuid.uuid4()), display_name='vm',
                                 vcpus=1, memory_mb=512, root_gb=1,
                                 ephemeral_gb=0, power_state=1)


def test_base_driver_offers_no_console():
    base = driver.ComputeDriver()
    for method in ('get_vnc_console', 'get_spice_console',
                   'get_serial_console'):
        with pytest.raises(NotImplementedError):
            getattr(base, method)(None, _instance())


def test_fake_driver_consoles_of_a_guest():
    drv = fake.FakeDriver()
    drv.init_host('host1')
    inst = _instance()
    drv.spawn(None, inst, None, [], None, {})
    assert drv.get_vnc_console(None, inst) == driver.ConsoleInfo(
        host='127.0.0.1', port=5900)
    assert drv.get_spice_console(None, inst).tls_port == 5902
    assert drv.get_serial_console(None, inst).port == 10000


def test_fake_driver_console_of_missing_guest_is_not_found():
    drv = fake.FakeDriver()
    drv.init_host('host1')
    with pytest.raises(exception.InstanceNotFound):
        drv.get_vnc_console(None, _instance())


class _Domain:
    def __init__(self, devices):
        self.xml = f'<domain type="qemu"><devices>{devices}</devices></domain>'

    def XMLDesc(self, flags=0):
        return self.xml


@pytest.fixture
def libvirt_with_domain(monkeypatch):
    """A LibvirtDriver whose only domain has the given devices."""
    drv = libvirt_driver.LibvirtDriver()

    def with_devices(devices):
        domain = _Domain(devices)
        monkeypatch.setattr(drv._host, 'find_domain', lambda uuid: domain)
        return drv
    return with_devices


def test_libvirt_vnc_console_is_the_graphics_port(libvirt_with_domain):
    drv = libvirt_with_domain(
        '<graphics type="vnc" port="5907" autoport="yes" '
        'listen="192.0.2.10"><listen type="address" address="192.0.2.10"/>'
        '</graphics>')
    assert drv.get_vnc_console(None, _instance()) == driver.ConsoleInfo(
        host='192.0.2.10', port=5907)


def test_libvirt_console_listening_everywhere_is_reached_at_my_ip(
        libvirt_with_domain):
    CONF.set_override('my_ip', '198.51.100.7')
    try:
        drv = libvirt_with_domain(
            '<graphics type="spice" port="5910" tlsPort="5911" '
            'listen="0.0.0.0"/>')
        info = drv.get_spice_console(None, _instance())
    finally:
        CONF.clear_override('my_ip')
    assert info == driver.ConsoleInfo(host='198.51.100.7', port=5910,
                                      tls_port=5911)


@pytest.mark.parametrize('devices', [
    '',
    '<serial type="file"><source path="/x/console.log"/></serial>',
    '<graphics type="spice" port="5901"/>',
    # Not running: libvirt has not picked the port yet.
    '<graphics type="vnc" port="-1" autoport="yes"/>',
])
def test_libvirt_guest_without_vnc_graphics_is_unavailable(
        libvirt_with_domain, devices):
    drv = libvirt_with_domain(devices)
    with pytest.raises(driver.ConsoleTypeUnavailable) as caught:
        drv.get_vnc_console(None, _instance())
    assert caught.value.code == 400


def test_libvirt_serial_console_is_the_tcp_serial_port(libvirt_with_domain):
    drv = libvirt_with_domain(
        '<serial type="file"><source path="/x/console.log"/></serial>'
        '<serial type="tcp"><source mode="bind" host="127.0.0.1" '
        'service="10005"/><protocol type="raw"/></serial>')
    assert drv.get_serial_console(None, _instance()) == driver.ConsoleInfo(
        host='127.0.0.1', port=10005)


def test_libvirt_file_serial_port_is_no_serial_console(libvirt_with_domain):
    drv = libvirt_with_domain(
        '<serial type="file"><source path="/x/console.log"/></serial>')
    with pytest.raises(driver.ConsoleTypeUnavailable):
        drv.get_serial_console(None, _instance())


def test_libvirt_console_of_missing_domain_is_not_found(monkeypatch):
    drv = libvirt_driver.LibvirtDriver()
    monkeypatch.setattr(drv._host, 'find_domain', lambda uuid: None)
    with pytest.raises(exception.InstanceNotFound):
        drv.get_vnc_console(None, _instance())
