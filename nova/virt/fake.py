"""FakeDriver: an in-memory hypervisor, for tests and scale runs.

It is a fake: no guest ever runs. Each driver instance is one compute
host (its name comes from ``init_host``), so one process can hold many
hosts. Resources come from ``[compute] fake_vcpus/fake_memory_mb/
fake_local_gb``. Tests make an operation fail or slow down with the
class-level :meth:`FakeDriver.set_fault` / :meth:`FakeDriver.set_delay`,
keyed by host (or for every host).
"""

import json
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

    def log(self, line):
        self.console.append(line)


class FakeDriver(driver.ComputeDriver):
    """In-memory guests of one fake compute host."""

    capabilities: typing.ClassVar[dict] = dict(driver.ComputeDriver.capabilities,
                        supports_pause=True, supports_suspend=True,
                        supports_snapshot=True,
                        supports_migrate_to_same_host=True,
                        supports_resize=True)

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
    def clear_faults(cls):
        """Forget every injected fault and delay."""
        with cls._registry_lock:
            cls._faults.clear()
            cls._delays.clear()

    def _inject(self, operation):
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
        if isinstance(delay, threading.Event):
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
            'vcpus': CONF.compute.fake_vcpus,
            'memory_mb': CONF.compute.fake_memory_mb,
            'local_gb': CONF.compute.fake_local_gb,
            'vcpus_used': sum(g.vcpus for g in guests),
            'memory_mb_used': sum(g.memory_mb for g in guests),
            'local_gb_used': sum(g.disk_gb for g in guests),
            'hypervisor_type': 'fake',
            'hypervisor_version': 1000,
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
        self._guest(instance)
        # Task states as the contract describes; no image data exists.
        update_task_state('image_pending_upload', 'image_snapshot')
        update_task_state('image_uploading', 'image_pending_upload')

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
        with self._lock:
            self._guests.pop(instance.uuid, None)

    def finish_revert_migration(self, context, instance, network_info,
                                migration, block_device_info=None,
                                power_on=True):
        self._inject('finish_revert_migration')
        state = power_state.RUNNING if power_on else power_state.SHUTDOWN
        with self._lock:
            self._guests[instance.uuid] = FakeGuest(instance, state)

    def get_console_output(self, context, instance):
        self._inject('get_console_output')
        guest = self._guest(instance)
        return ''.join(line + '\n' for line in guest.console)

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
