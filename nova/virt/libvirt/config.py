"""Guest configuration objects, rendered to libvirt domain XML and parsed
back.

Only what the driver writes is modelled: a domain with its memory, vCPUs,
boot settings (boot device or per-disk boot order, or a direct kernel
boot), CPU, virtio disks and cdroms, serial console logged to a file and
NICs on Linux bridges. ``GuestConfig.from_xml`` reads the same subset back (for
tests, and to inspect what libvirt keeps of a defined domain); elements it
does not know are ignored.
"""

import dataclasses
import xml.etree.ElementTree as ET


@dataclasses.dataclass
class GuestCPU:
    """``<cpu>``: ``mode`` is host-model, host-passthrough or custom (with
    ``model``); a guest without a GuestCPU gets QEMU's default CPU."""
    mode: str = 'host-model'
    model: str | None = None

    def to_element(self):
        cpu = ET.Element('cpu', mode=self.mode)
        if self.mode == 'custom':
            # 'allow' lets QEMU fall back to the closest model it knows
            # instead of refusing to start.
            cpu.set('match', 'exact')
            ET.SubElement(cpu, 'model', fallback='allow').text = self.model
        return cpu

    @classmethod
    def from_element(cls, elem):
        model = elem.find('model')
        return cls(mode=elem.get('mode', 'custom'),
                   model=model.text if model is not None else None)


@dataclasses.dataclass
class GuestDisk:
    """A file-backed ``<disk>`` (virtio by default) or ``<cdrom>``.

    ``boot_order`` set on any disk makes the guest boot from the disks in
    that order (the ``<os><boot dev>`` element is then left out, as
    libvirt refuses both at once).
    """
    source_path: str
    driver_type: str = 'qcow2'
    target_dev: str = 'vda'
    target_bus: str = 'virtio'
    cache: str = 'none'
    device: str = 'disk'
    readonly: bool = False
    boot_order: int | None = None

    def to_element(self):
        disk = ET.Element('disk', type='file', device=self.device)
        driver = ET.SubElement(disk, 'driver', name='qemu',
                               type=self.driver_type)
        if self.cache:
            driver.set('cache', self.cache)
        ET.SubElement(disk, 'source', file=self.source_path)
        ET.SubElement(disk, 'target', dev=self.target_dev,
                      bus=self.target_bus)
        if self.readonly:
            ET.SubElement(disk, 'readonly')
        if self.boot_order is not None:
            ET.SubElement(disk, 'boot', order=str(self.boot_order))
        return disk

    @classmethod
    def from_element(cls, elem):
        driver = elem.find('driver')
        source = elem.find('source')
        target = elem.find('target')
        boot = elem.find('boot')
        return cls(
            source_path=source.get('file') if source is not None else None,
            driver_type=driver.get('type', 'raw') if driver is not None
            else 'raw',
            target_dev=target.get('dev') if target is not None else None,
            target_bus=target.get('bus') if target is not None else None,
            cache=driver.get('cache') if driver is not None else None,
            device=elem.get('device', 'disk'),
            readonly=elem.find('readonly') is not None,
            boot_order=int(boot.get('order')) if boot is not None else None)


@dataclasses.dataclass
class GuestSerial:
    """Serial port 0 written to ``log_path`` (what "console output"
    shows), with the guest console bound to it."""
    log_path: str

    def to_elements(self):
        serial = ET.Element('serial', type='file')
        ET.SubElement(serial, 'source', path=self.log_path)
        ET.SubElement(serial, 'target', port='0')
        console = ET.Element('console', type='file')
        ET.SubElement(console, 'source', path=self.log_path)
        ET.SubElement(console, 'target', type='serial', port='0')
        return [serial, console]

    @classmethod
    def from_element(cls, elem):
        source = elem.find('source')
        return cls(log_path=source.get('path') if source is not None
                   else None)


@dataclasses.dataclass
class GuestGraphics:
    """A graphical console (``vnc`` or ``spice``) on ``listen``, its port
    chosen by libvirt when the guest starts."""
    type: str = 'vnc'
    listen: str = '127.0.0.1'

    def to_element(self):
        graphics = ET.Element('graphics', type=self.type, autoport='yes',
                              listen=self.listen)
        ET.SubElement(graphics, 'listen', type='address',
                      address=self.listen)
        return graphics

    @classmethod
    def from_element(cls, elem):
        return cls(type=elem.get('type'), listen=elem.get('listen'))


@dataclasses.dataclass
class GuestInterface:
    """A NIC plugged into the Linux bridge ``bridge``; libvirt creates the
    tap ``target_dev`` and enslaves it."""
    bridge: str
    mac: str
    target_dev: str | None = None
    model: str = 'virtio'

    def to_element(self):
        iface = ET.Element('interface', type='bridge')
        ET.SubElement(iface, 'mac', address=self.mac)
        ET.SubElement(iface, 'source', bridge=self.bridge)
        if self.target_dev:
            ET.SubElement(iface, 'target', dev=self.target_dev)
        ET.SubElement(iface, 'model', type=self.model)
        return iface

    @classmethod
    def from_element(cls, elem):
        def attr(tag, name):
            child = elem.find(tag)
            return child.get(name) if child is not None else None
        return cls(bridge=attr('source', 'bridge'),
                   mac=attr('mac', 'address'),
                   target_dev=attr('target', 'dev'),
                   model=attr('model', 'type'))


@dataclasses.dataclass
class GuestConfig:
    """A whole ``<domain>``."""
    virt_type: str
    name: str
    uuid: str
    memory_mb: int
    vcpus: int
    arch: str = 'x86_64'
    machine_type: str = 'pc'
    boot_dev: str = 'hd'
    cpu: GuestCPU | None = None
    disks: list = dataclasses.field(default_factory=list)
    serial: GuestSerial | None = None
    interfaces: list = dataclasses.field(default_factory=list)
    graphics: list = dataclasses.field(default_factory=list)
    # Direct kernel boot (a kernel and initrd file on the host).
    kernel: str | None = None
    initrd: str | None = None
    cmdline: str | None = None

    def to_element(self):
        domain = ET.Element('domain', type=self.virt_type)
        ET.SubElement(domain, 'name').text = self.name
        ET.SubElement(domain, 'uuid').text = self.uuid
        ET.SubElement(domain, 'memory', unit='KiB').text = str(
            self.memory_mb * 1024)
        ET.SubElement(domain, 'vcpu').text = str(self.vcpus)
        os_elem = ET.SubElement(domain, 'os')
        ET.SubElement(os_elem, 'type', arch=self.arch,
                      machine=self.machine_type).text = 'hvm'
        for tag in ('kernel', 'initrd', 'cmdline'):
            if getattr(self, tag):
                ET.SubElement(os_elem, tag).text = getattr(self, tag)
        if self.boot_dev and not any(d.boot_order for d in self.disks):
            ET.SubElement(os_elem, 'boot', dev=self.boot_dev)
        # ACPI lets a clean shutdown request reach the guest OS.
        features = ET.SubElement(domain, 'features')
        ET.SubElement(features, 'acpi')
        ET.SubElement(features, 'apic')
        if self.cpu is not None:
            domain.append(self.cpu.to_element())
        ET.SubElement(domain, 'clock', offset='utc')
        # A guest that powers off or crashes stops; nova decides what next.
        ET.SubElement(domain, 'on_poweroff').text = 'destroy'
        ET.SubElement(domain, 'on_reboot').text = 'restart'
        ET.SubElement(domain, 'on_crash').text = 'destroy'
        devices = ET.SubElement(domain, 'devices')
        for disk in self.disks:
            devices.append(disk.to_element())
        for iface in self.interfaces:
            devices.append(iface.to_element())
        if self.serial is not None:
            devices.extend(self.serial.to_elements())
        for graphics in self.graphics:
            devices.append(graphics.to_element())
        return domain

    def to_xml(self):
        elem = self.to_element()
        ET.indent(elem)
        return ET.tostring(elem, encoding='unicode')

    @classmethod
    def from_xml(cls, xml):
        domain = ET.fromstring(xml)
        if domain.tag != 'domain':
            raise ValueError(f'not a libvirt domain XML: <{domain.tag}>')
        memory = domain.find('memory')
        os_type = domain.find('os/type')
        boot = domain.find('os/boot')
        cpu = domain.find('cpu')
        serial = domain.find('devices/serial')
        return cls(
            virt_type=domain.get('type'),
            name=domain.findtext('name'),
            uuid=domain.findtext('uuid'),
            memory_mb=_kib(memory) // 1024,
            vcpus=int(domain.findtext('vcpu', '1')),
            arch=os_type.get('arch') if os_type is not None else None,
            machine_type=(os_type.get('machine') if os_type is not None
                          else None),
            boot_dev=boot.get('dev') if boot is not None else None,
            cpu=_cpu(cpu),
            disks=[GuestDisk.from_element(d)
                   for d in domain.findall('devices/disk')
                   if d.get('device', 'disk') in ('disk', 'cdrom')],
            serial=(GuestSerial.from_element(serial)
                    if serial is not None else None),
            interfaces=[GuestInterface.from_element(i)
                        for i in domain.findall('devices/interface')
                        if i.get('type') == 'bridge'],
            graphics=[GuestGraphics.from_element(g)
                      for g in domain.findall('devices/graphics')],
            kernel=domain.findtext('os/kernel'),
            initrd=domain.findtext('os/initrd'),
            cmdline=domain.findtext('os/cmdline'))


def _cpu(elem):
    """The GuestCPU of a <cpu>; None for one naming neither a mode nor a
    model (libvirt may add such an element to a guest that had none)."""
    if elem is None:
        return None
    if elem.get('mode') in (None, 'custom') and elem.find('model') is None:
        return None
    return GuestCPU.from_element(elem)


_UNITS = {'b': 1, 'bytes': 1, 'k': 1024, 'kib': 1024, 'kb': 1000,
          'm': 1024 ** 2, 'mib': 1024 ** 2, 'mb': 1000 ** 2,
          'g': 1024 ** 3, 'gib': 1024 ** 3, 'gb': 1000 ** 3}


def _kib(elem):
    """The size of a <memory unit=...> element in KiB."""
    if elem is None or not elem.text:
        return 0
    unit = elem.get('unit', 'KiB').lower()
    return int(elem.text) * _UNITS[unit] // 1024
