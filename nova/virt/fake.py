"""FakeDriver: an in-memory hypervisor, for tests and scale runs.

It is a fake: no guest ever runs. Each driver instance is one compute
host (its name comes from ``init_host``), so one process can hold many
hosts. Resources come from ``[compute] fake_vcpus/fake_memory_mb/
fake_local_gb``. Tests make an operation fail or slow down with the
class-level :meth:`FakeDriver.set_fault` / :meth:`FakeDriver.set_delay`,
keyed by host (or for every host).
"""

import json
import os
import threading
import time
import typing

from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.compute import power_state
from nova.virt import driver

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

ANY_HOST = None


def _fake_disk(disk_format, uuid):
    """Bytes of an empty disk in ``disk_format`` (qcow2 or raw)."""
    if disk_format != 'qcow2':
        return f'fake disk of {uuid}\n'.encode()
    import tempfile

    from nova.peers import glance as glance_peer
    with tempfile.TemporaryDirectory() as tmp:
        path = glance_peer.make_qcow2(os.path.join(tmp, 'disk.qcow2'))
        with open(path, 'rb') as f:
            return f.read()


class FakeGuest:
    def __init__(self, instance, state=power_state.RUNNING):
        self.uuid = instance.uuid
        self.name = getattr(instance, 'display_name', None) or instance.uuid
        self.vcpus = instance.vcpus or 0
        self.memory_mb = instance.memory_mb or 0
        self.disk_gb = (instance.root_gb or 0) + (instance.ephemeral_gb or 0)
        self.state = state
        self.console = [f'fake guest {self.name} booting',
                        f'fake guest {self.name} is up']
        self.admin_password = None
        self.crash_dumps = 0
        self.rescued = False

    def log(self, line):
        self.console.append(line)


class FakeDriver(driver.ComputeDriver):
    """In-memory guests of one fake compute host."""

    capabilities: typing.ClassVar[dict] = dict(driver.ComputeDriver.capabilities,
                        supports_pause=True, supports_suspend=True,
                        supports_snapshot=True,
                        supports_migrate_to_same_host=True,
                        supports_resize=True,
                        # Disk formats it "boots" (COMPUTE_IMAGE_TYPE_*).
                        supports_image_type_raw=True,
                        supports_image_type_qcow2=True,
                        supports_image_type_ami=True,
                        supports_image_type_ari=True,
                        supports_image_type_aki=True,
                        supports_image_type_iso=True)

    # Per-host resources and traits that differ from the configuration,
    # so that one process can hold a fleet of unlike hosts:
    # {host: {'vcpus': n, 'memory_mb': n, 'local_gb': n,
    #         'hypervisor_version': n, 'traits': [...]}}
    _host_specs: typing.ClassVar[dict] = {}

    # Injected faults and delays shared by all fake hosts of the process:
    # {(host or ANY_HOST, operation): [exception, remaining count or None]}
    _faults: typing.ClassVar[dict] = {}
    # {(host or ANY_HOST, operation): seconds or threading.Event}
    _delays: typing.ClassVar[dict] = {}
    _registry_lock = threading.Lock()

    def __init__(self, virtapi=None):
        super().__init__(virtapi)
        self._host = None
        self._guests = {}
        self._live = {}    # {uuid: live migration requests}, see below
        self._live_copied = {}  # {uuid: final figures, read once}
        self._lock = threading.Lock()

    # -- fault injection (tests) --------------------------------------------

    @classmethod
    def set_fault(cls, operation, exc, host=ANY_HOST, count=None):
        """Make ``operation`` (a method name, e.g. 'spawn') raise ``exc``
        on ``host`` (every host when None), ``count`` times or forever."""
        with cls._registry_lock:
            cls._faults[(host, operation)] = [exc, count]

    @classmethod
    def set_delay(cls, operation, delay, host=ANY_HOST):
        """Make ``operation`` wait ``delay`` seconds first, or until
        ``delay`` (a ``threading.Event``) is set."""
        with cls._registry_lock:
            cls._delays[(host, operation)] = delay

    @classmethod
    def set_host_resources(cls, host, **spec):
        """Give ``host`` its own vcpus, memory_mb, local_gb,
        hypervisor_version and/or traits (a list of trait names)."""
        with cls._registry_lock:
            cls._host_specs[host] = dict(spec)

    @classmethod
    def clear_host_resources(cls):
        with cls._registry_lock:
            cls._host_specs.clear()

    def _spec(self, key, default):
        with self._registry_lock:
            return self._host_specs.get(self._host, {}).get(key, default)

    def get_traits(self, nodename):
        """Traits of the node: the image types it boots plus any given
        by :meth:`set_host_resources`."""
        traits = {'COMPUTE_IMAGE_TYPE_' + key[len('supports_image_type_'):]
                  .upper() for key, value in self.capabilities.items()
                  if key.startswith('supports_image_type_') and value}
        return traits | set(self._spec('traits', ()))

    @classmethod
    def clear_faults(cls):
        """Forget every injected fault and delay."""
        with cls._registry_lock:
            cls._faults.clear()
            cls._delays.clear()

    def _inject(self, operation, wait=True):
        with self._registry_lock:
            delay = (self._delays.get((self._host, operation))
                     or self._delays.get((ANY_HOST, operation)))
            fault = None
            for key in ((self._host, operation), (ANY_HOST, operation)):
                entry = self._faults.get(key)
                if entry is None:
                    continue
                fault = entry[0]
                if entry[1] is not None:
                    entry[1] -= 1
                    if entry[1] <= 0:
                        del self._faults[key]
                break
        if not wait:
            pass    # the operation handles its own delay
        elif isinstance(delay, threading.Event):
            delay.wait(60)
        elif delay:
            time.sleep(delay)
        if fault is not None:
            LOG.info('Fake fault injected in %s on %s', operation, self._host)
            raise fault

    # -- host ---------------------------------------------------------------

    def init_host(self, host):
        self._host = host
        self._inject('init_host')

    @property
    def host(self):
        return self._host

    def get_available_nodes(self, refresh=False):
        return [self._host]

    def get_available_resource(self, nodename):
        with self._lock:
            guests = list(self._guests.values())
        return {
            'vcpus': self._spec('vcpus', CONF.compute.fake_vcpus),
            'memory_mb': self._spec('memory_mb', CONF.compute.fake_memory_mb),
            'local_gb': self._spec('local_gb', CONF.compute.fake_local_gb),
            'vcpus_used': sum(g.vcpus for g in guests),
            'memory_mb_used': sum(g.memory_mb for g in guests),
            'local_gb_used': sum(g.disk_gb for g in guests),
            'hypervisor_type': 'fake',
            'hypervisor_version': self._spec('hypervisor_version', 1000),
            'hypervisor_hostname': nodename,
            'cpu_info': json.dumps({'arch': 'x86_64', 'model': 'fake',
                                    'vendor': 'fake',
                                    'topology': {'sockets': 1, 'cores': 1,
                                                 'threads': 1}}),
        }

    def list_instance_uuids(self):
        with self._lock:
            return list(self._guests)

    # -- lifecycle ----------------------------------------------------------

    def _guest(self, instance):
        with self._lock:
            guest = self._guests.get(instance.uuid)
        if guest is None:
            raise exception.InstanceNotFound(instance_id=instance.uuid)
        return guest

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        self._inject('spawn')
        with self._lock:
            if instance.uuid in self._guests:
                raise exception.InstanceExists(name=instance.uuid)
            self._guests[instance.uuid] = FakeGuest(instance)

    def destroy(self, context, instance, network_info,
                block_device_info=None, destroy_disks=True):
        self._inject('destroy')
        with self._lock:
            self._guests.pop(instance.uuid, None)

    def get_info(self, instance):
        self._inject('get_info')
        guest = self._guest(instance)
        return driver.InstanceInfo(state=guest.state,
                                   internal_id=guest.uuid,
                                   max_mem_kb=guest.memory_mb * 1024,
                                   mem_kb=guest.memory_mb * 1024,
                                   num_cpu=guest.vcpus)

    def _set_state(self, operation, instance, state, allowed=None):
        self._inject(operation)
        guest = self._guest(instance)
        if allowed is not None and guest.state not in allowed:
            raise exception.InstanceInvalidState(
                method=operation, instance_uuid=instance.uuid,
                attr='power_state',
                state=power_state.STATE_MAP.get(guest.state, guest.state))
        guest.state = state
        guest.log(f'{operation}: {power_state.STATE_MAP.get(state, state)}')

    def reboot(self, context, instance, network_info, reboot_type,
               block_device_info=None):
        self._set_state('reboot', instance, power_state.RUNNING)

    def power_off(self, instance, timeout=0, retry_interval=0):
        self._set_state('power_off', instance, power_state.SHUTDOWN)

    def power_on(self, context, instance, network_info,
                 block_device_info=None):
        self._set_state('power_on', instance, power_state.RUNNING)

    def pause(self, instance):
        self._set_state('pause', instance, power_state.PAUSED,
                        allowed=(power_state.RUNNING,))

    def unpause(self, instance):
        self._set_state('unpause', instance, power_state.RUNNING,
                        allowed=(power_state.PAUSED,))

    def suspend(self, context, instance):
        self._set_state('suspend', instance, power_state.SUSPENDED,
                        allowed=(power_state.RUNNING,))

    def resume(self, context, instance, network_info,
               block_device_info=None):
        self._set_state('resume', instance, power_state.RUNNING,
                        allowed=(power_state.SUSPENDED,))

    def snapshot(self, context, instance, image_id, update_task_state):
        self._inject('snapshot')
        guest = self._guest(instance)
        update_task_state('image_pending_upload', 'image_snapshot')
        update_task_state('image_uploading', 'image_pending_upload')
        # A small payload, uploaded for real so the image becomes active;
        # Glance checks that it is in the image's disk format.
        from nova.image import glance
        api = glance.API()
        api.upload(context, image_id, _fake_disk(
            api.get(context, image_id).get('disk_format'), guest.uuid))
        guest.log(f'snapshot uploaded to image {image_id}')

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password):
        self._set_state('rescue', instance, power_state.RUNNING)
        guest = self._guest(instance)
        guest.rescued = True
        guest.admin_password = rescue_password

    def unrescue(self, context, instance):
        self._set_state('unrescue', instance, power_state.RUNNING)
        self._guest(instance).rescued = False

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        self._set_state('migrate_disk_and_power_off', instance,
                        power_state.SHUTDOWN)
        return '{}'

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         allocations, block_device_info=None,
                         power_on=True):
        self._inject('finish_migration')
        state = power_state.RUNNING if power_on else power_state.SHUTDOWN
        with self._lock:
            self._guests[instance.uuid] = FakeGuest(instance, state)

    def confirm_migration(self, context, migration, instance, network_info):
        self._inject('confirm_migration')
        if migration is not None and \
                migration.source_compute == migration.dest_compute:
            return      # one host: the guest there is the resized one
        with self._lock:
            self._guests.pop(instance.uuid, None)

    def finish_revert_migration(self, context, instance, network_info,
                                migration, block_device_info=None,
                                power_on=True):
        self._inject('finish_revert_migration')
        state = power_state.RUNNING if power_on else power_state.SHUTDOWN
        with self._lock:
            self._guests[instance.uuid] = FakeGuest(instance, state)

    # -- live migration -------------------------------------------------------

    def check_can_live_migrate_destination(self, context, instance,
                                           block_migration=False):
        self._inject('check_can_live_migrate_destination')
        return {'dest_host': self._host, 'block_migration': block_migration}

    def check_can_live_migrate_source(self, context, instance, dest_data):
        self._inject('check_can_live_migrate_source')
        self._guest(instance)
        return dict(dest_data or {}, source_host=self._host)

    def pre_live_migration(self, context, instance, network_info,
                           migrate_data=None):
        self._inject('pre_live_migration')
        return migrate_data

    def live_migration(self, context, instance, dest, post_method,
                       recover_method, block_migration=False,
                       migrate_data=None):
        """Copies nothing; a delay set with ``set_delay('live_migration',
        event)`` keeps it "running" until the event, a force complete or
        an abort."""
        self._guest(instance)
        with self._registry_lock:
            delay = (self._delays.get((self._host, 'live_migration'))
                     or self._delays.get((ANY_HOST, 'live_migration')))
        live = self._live_state(instance)
        live.update(started=time.monotonic(), memory=instance.memory_mb << 20,
                    disk=(instance.root_gb << 30) if block_migration else 0)
        deadline = time.monotonic() + (
            60 if isinstance(delay, threading.Event) else (delay or 0))
        while time.monotonic() < deadline:
            if live['done'].wait(0.05):
                break
            if isinstance(delay, threading.Event) and delay.is_set():
                break
        with self._lock:
            self._live.pop(instance.uuid, None)
            if not live['aborted']:
                self._live_copied[instance.uuid] = self._copied(live, True)
        try:
            if live['aborted']:
                raise exception.NovaException(
                    'The live migration was aborted.')
            self._inject('live_migration', wait=False)
        except Exception as exc:  # noqa: BLE001 - handed to the caller
            recover_method(context, instance, dest, exc)
            return
        post_method(context, instance, dest, block_migration)

    def _live_state(self, instance):
        """What force complete / abort asked of the live migration of
        ``instance`` (they may come before the copy loop starts)."""
        self._guest(instance)
        with self._lock:
            return self._live.setdefault(
                instance.uuid, {'done': threading.Event(), 'aborted': False})

    # The fake "copies" at this many bytes per second.
    COPY_RATE = 256 << 20

    def _copied(self, live, done=False):
        elapsed = time.monotonic() - live['started']
        figures = {}
        for kind in ('memory', 'disk'):
            total = live[kind]
            processed = total if done else min(
                total, int(elapsed * self.COPY_RATE))
            figures.update({f'{kind}_total': total,
                            f'{kind}_processed': processed,
                            f'{kind}_remaining': total - processed})
        return figures

    def live_migration_progress(self, instance):
        with self._lock:
            live = self._live.get(instance.uuid)
            if live is not None and 'started' in live:
                return self._copied(live)
            return self._live_copied.pop(instance.uuid, None)

    def live_migration_force_complete(self, instance):
        self._live_state(instance)['done'].set()

    def live_migration_abort(self, instance):
        live = self._live_state(instance)
        live['aborted'] = True
        live['done'].set()

    def post_live_migration(self, context, instance, migrate_data=None):
        self._inject('post_live_migration')
        with self._lock:
            self._guests.pop(instance.uuid, None)

    def post_live_migration_at_destination(self, context, instance,
                                           network_info, migrate_data=None):
        self._inject('post_live_migration_at_destination')
        with self._lock:
            self._guests[instance.uuid] = FakeGuest(
                instance, instance.power_state or power_state.RUNNING)

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info,
                                               migrate_data=None):
        self._inject('rollback_live_migration_at_destination')
        with self._lock:
            self._guests.pop(instance.uuid, None)

    def get_console_output(self, context, instance):
        self._inject('get_console_output')
        guest = self._guest(instance)
        return ''.join(line + '\n' for line in guest.console)

    # Where the fake guests' consoles "listen": fixed, as nothing runs.
    CONSOLE_HOST = '127.0.0.1'
    VNC_PORT = 5900
    SPICE_PORT, SPICE_TLS_PORT = 5901, 5902
    SERIAL_PORT = 10000

    def get_vnc_console(self, context, instance):
        self._inject('get_vnc_console')
        self._guest(instance)
        return driver.ConsoleInfo(host=self.CONSOLE_HOST, port=self.VNC_PORT)

    def get_spice_console(self, context, instance):
        self._inject('get_spice_console')
        self._guest(instance)
        return driver.ConsoleInfo(host=self.CONSOLE_HOST, port=self.SPICE_PORT,
                                  tls_port=self.SPICE_TLS_PORT)

    def get_serial_console(self, context, instance):
        self._inject('get_serial_console')
        self._guest(instance)
        return driver.ConsoleInfo(host=self.CONSOLE_HOST,
                                  port=self.SERIAL_PORT)

    def get_diagnostics(self, instance):
        self._inject('get_diagnostics')
        guest = self._guest(instance)
        # Made-up counters of the shape a KVM host reports.
        return {'cpu0_time': 17300000000, 'memory': guest.memory_mb * 1024,
                'memory-actual': guest.memory_mb * 1024,
                'vda_read': 262144, 'vda_read_req': 112,
                'vda_write': 5778432, 'vda_write_req': 488,
                'vda_errors': -1, 'tap_rx': 2070139, 'tap_rx_packets': 26701,
                'tap_rx_drop': 0, 'tap_rx_errors': 0, 'tap_tx': 140208,
                'tap_tx_packets': 662, 'tap_tx_drop': 0, 'tap_tx_errors': 0,
                'power_state': guest.state}

    def set_admin_password(self, instance, new_pass):
        self._inject('set_admin_password')
        guest = self._guest(instance)
        guest.admin_password = new_pass
        guest.log('admin password changed')

    def trigger_crash_dump(self, instance):
        self._inject('trigger_crash_dump')
        guest = self._guest(instance)
        guest.crash_dumps += 1
        guest.log('NMI received: crash dump written')

    # -- test helpers ---------------------------------------------------------

    def guest(self, instance_uuid):
        """The FakeGuest of ``instance_uuid`` (tests), or None."""
        with self._lock:
            return self._guests.get(instance_uuid)

    def set_power_state(self, instance_uuid, state):
        """Change a guest's power state behind nova's back, as a guest
        shutting itself down would (tests of the power state sync)."""
        with self._lock:
            self._guests[instance_uuid].state = state
