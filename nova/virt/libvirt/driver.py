"""LibvirtDriver: guests on QEMU (KVM or TCG) through libvirt-python.

An instance is a persistent libvirt domain named ``instance-<uuid>``
with the instance's UUID, a root disk built from the cached image (see
:mod:`imagebackend`), a config drive when wanted (:mod:`nova.virt.
configdrive`), its serial console logged to
``<instances_path>/<uuid>/console.log`` and one NIC per bridge VIF.
Everything an instance owns on the host lives in its instance directory,
so destroy removes the domain and that directory.

This module holds the boot and delete path and the power operations; the
others live by concern: :mod:`snapshot`, :mod:`rescue`, :mod:`migration`
(resize and cold migration), :mod:`events` (lifecycle events) and
:mod:`imagecache` (ageing of cached images).
"""

import json
import os
import shutil
import time
import typing
import xml.etree.ElementTree as ET

from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.compute import power_state
from nova.virt import configdrive, driver
from nova.virt.libvirt import config as vconfig
from nova.virt.libvirt import events as vevents
from nova.virt.libvirt import host as vhost
from nova.virt.libvirt import (
    imagebackend,
    imagecache,
    migration,
    rescue,
    snapshot,
    vif,
)

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# virDomainState values (libvirt's enum, stable ABI) to power states.
# A guest shutting down (4) still runs until it is off.
_POWER_STATES = {
    0: power_state.NOSTATE,    # VIR_DOMAIN_NOSTATE
    1: power_state.RUNNING,    # VIR_DOMAIN_RUNNING
    2: power_state.RUNNING,    # VIR_DOMAIN_BLOCKED (idle, waiting for I/O)
    3: power_state.PAUSED,     # VIR_DOMAIN_PAUSED
    4: power_state.RUNNING,    # VIR_DOMAIN_SHUTDOWN (shutting down)
    5: power_state.SHUTDOWN,   # VIR_DOMAIN_SHUTOFF
    6: power_state.CRASHED,    # VIR_DOMAIN_CRASHED
    7: power_state.SUSPENDED,  # VIR_DOMAIN_PMSUSPENDED
}
CONSOLE_LOG = 'console.log'
CONFIG_DRIVE = 'disk.config'
# Console output returned to the API is the end of the log only.
MAX_CONSOLE_BYTES = 100 * 1024
DESTROY_ATTEMPTS = 3


def domain_name(instance):
    return f'instance-{instance.uuid}'


def _power_state(dom):
    return _POWER_STATES.get(dom.state()[0], power_state.NOSTATE)


class LibvirtDriver(driver.ComputeDriver):
    """The guests of one hypervisor host reached through libvirt."""

    capabilities: typing.ClassVar[dict] = dict(
        driver.ComputeDriver.capabilities,
        has_imagecache=True, supports_pause=True, supports_suspend=True,
        supports_snapshot=True, supports_resize=True,
        supports_migrate_to_same_host=True)

    def __init__(self, virtapi=None, image_api=None):
        super().__init__(virtapi)
        uri = CONF.libvirt.connection_uri or 'qemu:///system'
        self._host = vhost.Host(uri)
        self._image_api = image_api
        self._hostname = None
        self._events = vevents.LifecycleEvents(self.emit_event)

    @property
    def host(self):
        """The :class:`host.Host` (libvirt connection) of this driver."""
        return self._host

    @property
    def image_api(self):
        if self._image_api is None:
            from nova.image import glance
            self._image_api = glance.API()
        return self._image_api

    @property
    def instances_path(self):
        return CONF.instances_path

    def instance_dir(self, instance):
        return os.path.join(self.instances_path, instance.uuid)

    # -- host -----------------------------------------------------------------

    def init_host(self, host):
        self._hostname = host
        self._watch_events()
        caps = self._host.get_capabilities()
        arch = CONF.libvirt.arch
        virt_type = CONF.libvirt.virt_type
        offered = caps.domain_types.get(arch, set())
        if virt_type not in offered:
            raise exception.ServiceUnavailable(
                reason=f'libvirt at {self._host.display_uri} cannot run '
                       f'[libvirt] virt_type={virt_type} guests of arch '
                       f'{arch} (it offers: '
                       f'{", ".join(sorted(offered)) or "none"})')
        _make_dir(self.instances_path)
        _warn_if_unreachable(self.instances_path)
        LOG.info('libvirt driver ready: %s %s on %s, instances in %s',
                 self._host.get_hypervisor_type(), virt_type,
                 self._host.uri, self.instances_path)

    def cleanup_host(self, host):
        self._host.on_connect = None
        self._host.close()
        self._events.stop()

    def _watch_events(self):
        """Lifecycle events of every connection from now on; the one
        already open (if any) predates the event loop and is reopened."""
        vevents.start_default_loop()
        self._events.start()
        self._host.close()
        self._host.on_connect = self._events.watch

    def get_available_nodes(self, refresh=False):
        return [self._host.get_hostname()]

    def get_available_resource(self, nodename):
        caps = self._host.get_capabilities()
        vcpus_used = 0
        for dom in self._host.list_domains():
            if dom.isActive():
                vcpus_used += dom.info()[3]
        _make_dir(self.instances_path)
        disk_total, disk_used = self._host.get_disk_gb(self.instances_path)
        return {
            'vcpus': self._host.get_cpu_count(),
            'memory_mb': self._host.get_memory_mb_total(),
            'local_gb': disk_total,
            'vcpus_used': vcpus_used,
            'memory_mb_used': self._host.get_memory_mb_used(),
            'local_gb_used': disk_used,
            'hypervisor_type': self._host.get_hypervisor_type(),
            'hypervisor_version': self._host.get_hypervisor_version(),
            'hypervisor_hostname': nodename,
            'cpu_info': json.dumps({
                'arch': caps.arch, 'model': caps.cpu_model,
                'vendor': caps.cpu_vendor, 'topology': caps.topology,
                'features': caps.features}),
        }

    def list_instance_uuids(self):
        return [dom.UUIDString() for dom in self._host.list_domains()]

    def instance_exists(self, instance):
        return self._host.find_domain(instance.uuid) is not None

    # -- boot and delete ------------------------------------------------------

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        if self._host.find_domain(instance.uuid) is not None:
            raise exception.InstanceExists(name=instance.uuid)
        inst_dir = self.instance_dir(instance)
        if os.path.exists(inst_dir):
            # Left by a crash mid-build: nothing of it is trusted.
            shutil.rmtree(inst_dir)
        try:
            _make_dir(inst_dir)
            disks = [self._create_root_disk(context, instance, image_meta)]
            cdrom = self.config_drive_disk(instance, network_info,
                                           injected_files, admin_password)
            if cdrom is not None:
                disks.append(cdrom)
            guest = self.guest_config(instance, disks, network_info)
            self.start_domain(guest.to_xml())
        except Exception as exc:
            LOG.error('Spawning instance %s failed: %s', instance.uuid, exc)
            self._remove(instance, destroy_disks=True)
            if isinstance(exc, exception.NovaException):
                raise
            raise exception.InstanceSpawnFailure(reason=str(exc)) from exc
        LOG.info('Instance %s is running', instance.uuid)

    def _create_root_disk(self, context, instance, image_meta):
        image_id = None
        if image_meta is not None:
            image_id = image_meta.get('id')
        image_id = image_id or getattr(instance, 'image_ref', None)
        if not image_id:
            raise exception.InstanceSpawnFailure(
                reason='the instance has no image; booting from a volume '
                       'is not supported by the libvirt driver yet')
        cache = imagebackend.ImageCache(self.instances_path)
        _make_dir(cache.base_dir)
        base, base_format = cache.fetch(context, self.image_api, image_id)
        path = os.path.join(self.instance_dir(instance), 'disk')
        fmt = imagebackend.create_root_disk(
            instance, base, base_format, path, CONF.libvirt.images_type)
        return vconfig.GuestDisk(source_path=path, driver_type=fmt,
                                 cache=CONF.libvirt.disk_cachemode)

    def config_drive_disk(self, instance, network_info, injected_files=(),
                          admin_password=None, name=CONFIG_DRIVE):
        """Write the config drive of ``instance`` into its directory and
        return its cdrom :class:`config.GuestDisk`; None when the
        instance gets no config drive."""
        if not configdrive.required_by(instance):
            return None
        path = os.path.join(self.instance_dir(instance), name)
        configdrive.make_drive(path, configdrive.files_for(
            instance, network_info, injected_files, admin_password))
        # The pc machine's IDE has room for a cdrom; q35 has SATA only.
        q35 = 'q35' in (CONF.libvirt.hw_machine_type or '')
        return vconfig.GuestDisk(
            source_path=path, driver_type='raw', device='cdrom',
            target_dev='sda' if q35 else 'hdd',
            target_bus='sata' if q35 else 'ide', cache=None, readonly=True)

    def guest_config(self, instance, disks, network_info):
        """The :class:`config.GuestConfig` of ``instance`` with ``disks``
        (a :class:`config.GuestDisk` or a list of them)."""
        if isinstance(disks, vconfig.GuestDisk):
            disks = [disks]
        return vconfig.GuestConfig(
            virt_type=CONF.libvirt.virt_type,
            name=domain_name(instance),
            uuid=instance.uuid,
            memory_mb=instance.memory_mb,
            vcpus=instance.vcpus,
            arch=CONF.libvirt.arch,
            machine_type=CONF.libvirt.hw_machine_type,
            cpu=guest_cpu(CONF.libvirt.virt_type, CONF.libvirt.cpu_mode,
                          CONF.libvirt.cpu_model),
            disks=list(disks),
            serial=vconfig.GuestSerial(log_path=os.path.join(
                self.instance_dir(instance), CONSOLE_LOG)),
            interfaces=vif.interfaces_for(
                network_info, CONF.libvirt.create_missing_bridges),
            graphics=([vconfig.GuestGraphics('vnc', CONF.vnc.server_listen)]
                      if CONF.vnc.enabled else []))

    def start_domain(self, xml):
        """Define the domain ``xml`` and start it; returns when it runs."""
        conn = self._host.get_connection()
        dom = conn.defineXML(xml)
        dom.create()
        self._wait_for_state(dom, power_state.RUNNING,
                             CONF.libvirt.spawn_timeout)
        return dom

    @staticmethod
    def _wait_for_state(dom, state, timeout):
        deadline = time.monotonic() + timeout
        while True:
            current = _power_state(dom)
            if current == state:
                return
            if time.monotonic() > deadline:
                now = power_state.STATE_MAP.get(current, current)
                raise exception.InstanceSpawnFailure(
                    reason=f'the guest is {now} after {timeout} s, not '
                           f'{power_state.STATE_MAP[state]}')
            time.sleep(0.2)

    def destroy(self, context, instance, network_info,
                block_device_info=None, destroy_disks=True):
        self._remove(instance, destroy_disks)
        LOG.info('Instance %s destroyed', instance.uuid)

    def _remove(self, instance, destroy_disks):
        """Stop and undefine the domain, remove its files; what is already
        gone is not an error."""
        dom = self._host.find_domain(instance.uuid)
        if dom is not None:
            _ignore_missing(self._stop_now, dom)
            _ignore_missing(_undefine, dom)
        if destroy_disks:
            remove_dir(self.instance_dir(instance))

    @staticmethod
    def _stop_now(dom):
        # libvirt gives up when QEMU is slow to die (a loaded host):
        # asking again is what makes a delete finish.
        for attempt in range(1, DESTROY_ATTEMPTS + 1):
            if not dom.isActive():
                return
            try:
                dom.destroy()
                _wait_until_stopped(dom)
                return
            except vhost.libvirt.libvirtError as exc:
                if (attempt == DESTROY_ATTEMPTS or exc.get_error_code() in
                        (vhost.libvirt.VIR_ERR_NO_DOMAIN,
                         vhost.libvirt.VIR_ERR_OPERATION_INVALID)):
                    raise
                LOG.warning('Stopping domain %s failed (%s); retrying',
                            dom.UUIDString(), exc)
                time.sleep(1)

    def get_info(self, instance):
        dom = self.domain(instance)
        state, max_mem_kb, mem_kb, num_cpu, cpu_time_ns = dom.info()
        state = _POWER_STATES.get(state, power_state.NOSTATE)
        if state == power_state.SHUTDOWN and dom.hasManagedSaveImage(0):
            # Its memory is saved (suspend): not a guest that was shut
            # down, which the power sync would take for a stop.
            state = power_state.SUSPENDED
        return driver.InstanceInfo(
            state=state,
            internal_id=dom.UUIDString(), max_mem_kb=max_mem_kb,
            mem_kb=mem_kb, num_cpu=num_cpu, cpu_time_ns=cpu_time_ns)

    # -- power ----------------------------------------------------------------

    def domain(self, instance):
        """The libvirt domain of ``instance``; ``InstanceNotFound`` when
        this host has none."""
        dom = self._host.find_domain(instance.uuid)
        if dom is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return dom

    def stop_domain(self, dom):
        """Stop ``dom`` at once; one already stopped or gone is fine."""
        _ignore_missing(self._stop_now, dom)

    @staticmethod
    def undefine(dom):
        """Forget ``dom`` (its managed save image too); gone is fine."""
        _ignore_missing(_undefine, dom)

    @staticmethod
    def remove_dir(path):
        """Remove the tree at ``path`` (see :func:`remove_dir`)."""
        return remove_dir(path)

    def root_disk(self, dom):
        """The :class:`config.GuestDisk` of ``dom``'s root disk: its
        ``disk`` file, else its first disk."""
        disks = [d for d in vconfig.GuestConfig.from_xml(
            dom.XMLDesc(0)).disks if d.device == 'disk']
        for disk in disks:
            if os.path.basename(disk.source_path or '') == 'disk':
                return disk
        if not disks:
            raise exception.NovaException(
                f'the domain of instance {dom.UUIDString()} has no disk')
        return disks[0]

    def power_off(self, instance, timeout=0, retry_interval=0):
        dom = self.domain(instance)
        if not dom.isActive():
            return
        if timeout > 0:
            # Ask the guest OS first (ACPI), then pull the plug.
            _ignore_missing(dom.shutdown)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if not dom.isActive():
                    return
                time.sleep(min(retry_interval or 1, 1))
        _ignore_missing(self._stop_now, dom)

    def power_on(self, context, instance, network_info,
                 block_device_info=None):
        dom = self.domain(instance)
        if not dom.isActive():
            dom.create()

    def reboot(self, context, instance, network_info, reboot_type,
               block_device_info=None):
        dom = self.domain(instance)
        if reboot_type == 'SOFT' and dom.isActive() and \
                self._soft_reboot(instance, dom):
            return
        self._stop_now(dom)
        if dom.hasManagedSaveImage(0):
            # A hard reboot boots afresh; create() would restore the
            # memory a suspend saved.
            dom.managedSaveRemove(0)
        dom.create()

    @staticmethod
    def _soft_reboot(instance, dom):
        """Shut the guest OS down (ACPI) and start the domain again once
        it is off; False when it did not go off in time.

        Not ``virDomainReboot``: QEMU's reboot is an ACPI request too, and
        when the guest ignores it the call still succeeds, so the guest
        would silently never restart."""
        timeout = CONF.libvirt.wait_soft_reboot_seconds
        if timeout <= 0:
            return False
        try:
            dom.shutdown()
        except vhost.libvirt.libvirtError as exc:
            LOG.warning('Cannot ask instance %s to shut down (%s)',
                        instance.uuid, exc)
            return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not dom.isActive():
                dom.create()
                return True
            time.sleep(0.5)
        LOG.warning('Instance %s did not shut down within %d s of its soft '
                    'reboot; rebooting it hard', instance.uuid, timeout)
        return False

    def _refuse(self, method, instance, dom):
        state = power_state.STATE_MAP.get(_power_state(dom))
        raise exception.InstanceInvalidState(
            method=method, instance_uuid=instance.uuid, attr='power_state',
            state=state)

    def pause(self, instance):
        dom = self.domain(instance)
        if _power_state(dom) == power_state.PAUSED:
            return
        if not dom.isActive():
            self._refuse('pause', instance, dom)
        dom.suspend()

    def unpause(self, instance):
        dom = self.domain(instance)
        if _power_state(dom) == power_state.RUNNING:
            return
        if _power_state(dom) != power_state.PAUSED:
            self._refuse('unpause', instance, dom)
        dom.resume()

    def suspend(self, context, instance):
        """Managed save: the guest's memory goes to a file libvirt keeps
        beside the domain, QEMU stops; resume (or a power on) restores
        it. A paused guest is saved paused and comes back paused."""
        dom = self.domain(instance)
        if not dom.isActive():
            if dom.hasManagedSaveImage(0):
                return
            self._refuse('suspend', instance, dom)
        dom.managedSave(0)

    def resume(self, context, instance, network_info,
               block_device_info=None):
        dom = self.domain(instance)
        if dom.isActive():
            return
        if not dom.hasManagedSaveImage(0):
            LOG.warning('Instance %s has no saved memory to resume from; '
                        'booting it', instance.uuid)
        dom.create()

    def get_console_output(self, context, instance):
        self.domain(instance)
        path = os.path.join(self.instance_dir(instance), CONSOLE_LOG)
        try:
            with open(path, 'rb') as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(log.tell() - MAX_CONSOLE_BYTES, 0))
                return log.read().decode('utf-8', 'replace')
        except FileNotFoundError:
            return ''

    # -- remote consoles ------------------------------------------------------
    # Read from the running domain's XML: libvirt writes the ports it
    # picked (autoport) there. The guests this driver defines have no
    # graphics and log their serial port to a file, so each raises
    # ConsoleTypeUnavailable unless the domain was given such a device.

    def get_vnc_console(self, context, instance):
        return self._graphics_console(instance, 'vnc')

    def get_spice_console(self, context, instance):
        return self._graphics_console(instance, 'spice')

    def get_serial_console(self, context, instance):
        devices = self._domain_devices(instance)
        for serial in devices.findall('serial'):
            source = serial.find('source')
            if serial.get('type') != 'tcp' or source is None or \
                    source.get('mode') != 'bind':
                continue
            return driver.ConsoleInfo(
                host=_proxy_address(source.get('host')),
                port=int(source.get('service')))
        raise driver.ConsoleTypeUnavailable(
            console_type='serial',
            reason=f'the domain of instance {instance.uuid} has no serial '
                   'port listening on TCP')

    def _domain_devices(self, instance):
        dom = self.domain(instance)
        root = ET.fromstring(dom.XMLDesc(0))
        devices = root.find('devices')
        return devices if devices is not None else ET.Element('devices')

    def _graphics_console(self, instance, kind):
        for graphics in self._domain_devices(instance).findall('graphics'):
            if graphics.get('type') != kind:
                continue
            port = int(graphics.get('port', '-1'))
            tls_port = int(graphics.get('tlsPort', '-1'))
            if port <= 0:
                break   # Not running, so no port assigned yet.
            listen = graphics.get('listen')
            element = graphics.find('listen')
            if not listen and element is not None:
                listen = element.get('address')
            return driver.ConsoleInfo(
                host=_proxy_address(listen),
                port=port,
                tls_port=tls_port if tls_port > 0 else None)
        raise driver.ConsoleTypeUnavailable(
            console_type=kind,
            reason=f'the domain of instance {instance.uuid} has no '
                   f'{kind} graphics with a port')


    # -- images -----------------------------------------------------------

    def snapshot(self, context, instance, image_id, update_task_state):
        snapshot.snapshot(self, context, instance, image_id,
                          update_task_state)

    def manage_image_cache(self, context, all_instances):
        """Remove the cached bases no instance of this host used for
        ``[libvirt] remove_unused_original_minimum_age_seconds``; the
        removed paths. ``all_instances``: the instances of this host."""
        return imagecache.age(
            imagebackend.ImageCache(self.instances_path),
            self.instances_path, all_instances,
            CONF.libvirt.remove_unused_original_minimum_age_seconds)

    # -- rescue -------------------------------------------------------------

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password):
        rescue.rescue(self, context, instance, network_info, image_meta,
                      rescue_password)

    def unrescue(self, context, instance):
        rescue.unrescue(self, context, instance)

    # -- resize and cold migration -----------------------------------------

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        return migration.migrate_disk_and_power_off(
            self, context, instance, dest, flavor, network_info, timeout,
            retry_interval)

    def finish_migration(self, context, migration_, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         allocations, block_device_info=None,
                         power_on=True):
        migration.finish_migration(
            self, context, migration_, instance, disk_info, network_info,
            image_meta, resize_instance, power_on)

    def confirm_migration(self, context, migration_, instance,
                          network_info):
        migration.confirm_migration(self, context, migration_, instance,
                                    network_info)

    def finish_revert_migration(self, context, instance, network_info,
                                migration_, block_device_info=None,
                                power_on=True):
        migration.finish_revert_migration(
            self, context, instance, network_info, migration_, power_on)


def _proxy_address(listen):
    """The address a console proxy reaches a guest console at: the
    listen address, or this host's [DEFAULT] my_ip when the console
    listens on every address."""
    if not listen or listen in ('0.0.0.0', '::'):
        return CONF.my_ip
    return listen


def guest_cpu(virt_type, cpu_mode, cpu_model):
    """The guest's :class:`config.GuestCPU`, or None for QEMU's default.

    Unset ``cpu_mode`` means host-model on kvm and no <cpu> on qemu (TCG
    cannot do host-model or host-passthrough).
    """
    mode = cpu_mode or ('host-model' if virt_type == 'kvm' else 'none')
    if mode == 'none':
        return None
    if mode == 'custom':
        if not cpu_model:
            raise exception.InstanceSpawnFailure(
                reason='[libvirt] cpu_mode is custom but cpu_model is not '
                       'set')
        return vconfig.GuestCPU(mode='custom', model=cpu_model)
    if virt_type != 'kvm':
        raise exception.InstanceSpawnFailure(
            reason=f'[libvirt] cpu_mode={mode} needs virt_type=kvm')
    return vconfig.GuestCPU(mode=mode)


def _wait_until_stopped(dom, timeout=30):
    """Wait until libvirt has finished stopping ``dom``: destroy can
    return while libvirt still tears the guest down (taps, cgroups), and
    a guest started again meanwhile would find its tap still there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not dom.isActive():
            return
        time.sleep(0.1)
    LOG.warning('Domain %s is still active %s s after it was destroyed',
                dom.UUIDString(), timeout)


def remove_dir(path, attempts=5):
    """Remove the tree at ``path``; True when it is gone.

    A QEMU that is still exiting (libvirt reaps it in the background) can
    touch the tree while it is being removed, so try again a few times.
    """
    for _ in range(attempts):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path):
            return True
        time.sleep(0.5)
    LOG.warning('Could not remove %s', path)
    return False


def _make_dir(path):
    # QEMU runs as another user (libvirt-qemu) and must reach the disks.
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o755)


def _warn_if_unreachable(path):
    """Warn when a parent of ``path`` is closed to other users: QEMU runs
    as its own user (libvirt-qemu on Debian) and could not open the
    disks, unless qemu.conf makes it run as root."""
    path = os.path.abspath(path)
    while path != os.path.dirname(path):
        path = os.path.dirname(path)
        if not os.stat(path).st_mode & 0o001:
            LOG.warning('%s is not searchable by other users: guests '
                        'will fail to open their disks unless QEMU runs as '
                        'root (qemu.conf user/group); set instances_path '
                        'outside it', path)
            return False
    return True


def _undefine(dom):
    # Managed-save images and snapshot metadata would block a plain
    # undefine; nova owns neither, so they go with the domain.
    flags = (vhost.libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
             | vhost.libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
    dom.undefineFlags(flags)


def _ignore_missing(func, *args):
    """Call ``func``; a domain that vanished or stopped meanwhile (a
    concurrent delete, a guest powering off) is not an error."""
    lv = vhost.libvirt
    try:
        func(*args)
    except lv.libvirtError as exc:
        if exc.get_error_code() not in (lv.VIR_ERR_NO_DOMAIN,
                                        lv.VIR_ERR_OPERATION_INVALID):
            raise
