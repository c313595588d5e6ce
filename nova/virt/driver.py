"""The virt driver contract: what nova-compute asks of a hypervisor.

Every driver (``fake.FakeDriver``, ``libvirt.LibvirtDriver``) subclasses
:class:`ComputeDriver`. The compute manager only calls the methods
documented here; a driver that cannot do an operation leaves the base
method, which raises ``NotImplementedError`` (the manager turns that into
a clear error for the user), and says so in :attr:`capabilities`.

Calls are made from several threads at once (one per build or RPC
request), so a driver guards its own shared state.
"""

import collections
import typing

from oslo_log import log as logging
from oslo_utils import importutils

import nova.conf
from nova import exception

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# What ``get_info`` returns: ``state`` is a ``nova.compute.power_state``
# value; the rest is informative.
InstanceInfo = collections.namedtuple(
    'InstanceInfo', ['state', 'internal_id', 'max_mem_kb', 'mem_kb',
                     'num_cpu', 'cpu_time_ns'])
InstanceInfo.__new__.__defaults__ = (None, 0, 0, 0, 0)

# What the ``get_*_console`` methods return: where a console proxy
# connects to reach the guest's console (``host`` is an address the proxy
# can reach, not the compute service's name). ``tls_port`` is set for
# consoles that also listen with TLS (SPICE); ``internal_access_path`` is
# a path to send after connecting, for consoles behind a shared port.
ConsoleInfo = collections.namedtuple(
    'ConsoleInfo', ['host', 'port', 'tls_port', 'internal_access_path'])
ConsoleInfo.__new__.__defaults__ = (None, None)


# Lifecycle events: a driver that learns at once that a guest changed
# power state (libvirt's domain events) tells the compute manager through
# the listener given to ``register_event_listener``, so that the power
# state in the database follows without waiting for the periodic sync.
EVENT_LIFECYCLE_STARTED = 'started'
EVENT_LIFECYCLE_STOPPED = 'stopped'
EVENT_LIFECYCLE_PAUSED = 'paused'
EVENT_LIFECYCLE_RESUMED = 'resumed'
EVENT_LIFECYCLE_SUSPENDED = 'suspended'
EVENT_LIFECYCLE_CRASHED = 'crashed'


class LifecycleEvent(collections.namedtuple(
        'LifecycleEvent', ['uuid', 'transition', 'power_state',
                           'timestamp', 'reason'])):
    """Guest ``uuid`` went through ``transition`` (an EVENT_LIFECYCLE_*
    value) at ``timestamp`` (time.time()); ``power_state`` is the
    ``nova.compute.power_state`` it implies, ``reason`` the hypervisor's
    detail (e.g. 'shutdown', 'destroyed', 'saved'), for logs only. The
    event is a hint: the guest may have changed again since, so a
    consumer reads the current state from :meth:`ComputeDriver.get_info`
    before acting."""
    __slots__ = ()


LifecycleEvent.__new__.__defaults__ = (None, None)


class ConsoleTypeUnavailable(exception.Invalid):
    """The guest has no console of this kind (e.g. its domain defines no
    VNC graphics). The compute manager answers the API with a 400."""
    msg_fmt = 'Unavailable console type %(console_type)s: %(reason)s'


class ComputeDriver:
    """Base of every virt driver; each method documents its contract."""

    # Feature flags the API and the manager consult before asking for an
    # operation; a driver overrides the ones it supports.
    capabilities: typing.ClassVar[dict] = {
        'has_imagecache': False,
        'supports_evacuate': False,
        'supports_migrate_to_same_host': False,
        'supports_attach_interface': False,
        'supports_device_tagging': False,
        'supports_multiattach': False,
        'supports_pause': False,
        'supports_suspend': False,
        'supports_snapshot': False,
        'supports_live_migration': False,
        'supports_resize': False,
    }

    def __init__(self, virtapi=None):
        self.virtapi = virtapi

    # -- events -----------------------------------------------------------

    def register_event_listener(self, callback):
        """Have ``callback(event)`` called with each :class:`LifecycleEvent`
        the driver emits (None stops it). Drivers call it from a thread of
        their own, never while holding their locks; it must not block for
        long."""
        self._event_listener = callback

    def emit_event(self, event):
        """Deliver ``event`` to the registered listener, if any; an error
        of the listener is logged, not raised into the driver."""
        listener = getattr(self, '_event_listener', None)
        if listener is None:
            return
        try:
            listener(event)
        except Exception:
            LOG.exception('Handling the lifecycle event %s failed', event)

    # -- host -----------------------------------------------------------

    def init_host(self, host):
        """Prepare the hypervisor connection for compute host ``host``.

        Called once before the service serves RPC. Raise if the hypervisor
        cannot be used; the service then refuses to start.
        """

    def cleanup_host(self, host):
        """Release what ``init_host`` acquired; called on service stop."""

    def get_available_nodes(self, refresh=False):
        """Names of the nodes (hypervisor_hostname) this host manages."""
        raise NotImplementedError()

    def get_available_resource(self, nodename):
        """Resources of ``nodename`` as a dict.

        Keys: vcpus, memory_mb, local_gb (totals), vcpus_used,
        memory_mb_used, local_gb_used (what the hypervisor sees in use),
        hypervisor_type, hypervisor_version (int), hypervisor_hostname,
        cpu_info (JSON string).
        """
        raise NotImplementedError()

    def get_inventory(self, nodename):
        """Placement inventory of ``nodename``: {resource class: record}.

        A record has total and may have reserved, min_unit, max_unit,
        step_size, allocation_ratio; the resource tracker fills what is
        missing from configuration. The default derives VCPU, MEMORY_MB
        and DISK_GB from :meth:`get_available_resource`.
        """
        res = self.get_available_resource(nodename)
        return {
            'VCPU': {'total': res['vcpus'], 'max_unit': res['vcpus']},
            'MEMORY_MB': {'total': res['memory_mb'],
                          'max_unit': res['memory_mb']},
            'DISK_GB': {'total': res['local_gb'], 'max_unit': res['local_gb']},
        }

    def list_instance_uuids(self):
        """UUIDs of the guests that exist on this host."""
        raise NotImplementedError()

    def instance_exists(self, instance):
        """True when a guest for ``instance`` exists on this host."""
        return instance.uuid in self.list_instance_uuids()

    # -- instance lifecycle --------------------------------------------------

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        """Create and start a guest for ``instance``.

        ``image_meta`` is an ``ImageMeta`` (or dict) of the boot image,
        ``allocations`` the Placement allocations of the instance,
        ``network_info`` the list of VIF dicts to plug. On return the guest
        runs. On failure raise (``InstanceSpawnFailure`` or any error) and
        leave nothing behind; the manager may reschedule elsewhere.
        """
        raise NotImplementedError()

    def destroy(self, context, instance, network_info,
                block_device_info=None, destroy_disks=True):
        """Stop and remove the guest of ``instance``; unplug its VIFs.

        Must succeed when the guest is already gone (delete is retried
        after a crash), so that deleting an instance always finishes.
        """
        raise NotImplementedError()

    def get_info(self, instance):
        """An :class:`InstanceInfo` of the guest; raise
        ``InstanceNotFound`` when it does not exist."""
        raise NotImplementedError()

    def reboot(self, context, instance, network_info, reboot_type,
               block_device_info=None):
        """Reboot the guest; ``reboot_type`` is 'SOFT' or 'HARD'. A soft
        reboot that does not complete falls back to a hard one."""
        raise NotImplementedError()

    def power_off(self, instance, timeout=0, retry_interval=0):
        """Stop the guest, cleanly within ``timeout`` seconds if positive,
        else at once. A guest already stopped is not an error."""
        raise NotImplementedError()

    def power_on(self, context, instance, network_info,
                 block_device_info=None):
        """Start a stopped guest. A running guest is not an error."""
        raise NotImplementedError()

    def pause(self, instance):
        """Freeze the guest's CPUs, keeping its memory."""
        raise NotImplementedError()

    def unpause(self, instance):
        """Undo :meth:`pause`."""
        raise NotImplementedError()

    def suspend(self, context, instance):
        """Save the guest's memory to disk and stop it."""
        raise NotImplementedError()

    def resume(self, context, instance, network_info,
               block_device_info=None):
        """Undo :meth:`suspend`."""
        raise NotImplementedError()

    def snapshot(self, context, instance, image_id, update_task_state):
        """Upload the guest's root disk to the image ``image_id``.

        ``update_task_state(task_state, expected_state)`` is called as the
        snapshot moves from pending upload to uploading.
        """
        raise NotImplementedError()

    def manage_image_cache(self, context, all_instances):
        """Age the host's cache of images (drivers whose capabilities say
        ``has_imagecache``); ``all_instances`` are the instances of this
        host, whose images are in use. Called by a periodic task of the
        compute; returns what was removed."""
        raise NotImplementedError()

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        """First half of a resize/cold migration: stop the guest and move
        its disks to ``dest``. Returns disk info for
        :meth:`finish_migration`."""
        raise NotImplementedError()

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         allocations, block_device_info=None,
                         power_on=True):
        """Second half on the destination: create the guest from the moved
        disks with the new flavor; start it when ``power_on``."""
        raise NotImplementedError()

    def confirm_migration(self, context, migration, instance, network_info):
        """Remove what a resize left on the source host. Called also
        when source and destination are one host: then the guest there
        is the resized one and must stay."""
        raise NotImplementedError()

    def finish_revert_migration(self, context, instance, network_info,
                                migration, block_device_info=None,
                                power_on=True):
        """Restore the guest on the source after a reverted resize."""
        raise NotImplementedError()

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password):
        """Boot the guest from ``image_meta`` (a rescue image) with its
        own disk attached, so a user can repair it."""
        raise NotImplementedError()

    def unrescue(self, context, instance):
        """Leave rescue: boot the guest from its own disk again."""
        raise NotImplementedError()

    def live_migration(self, context, instance, dest, post_method,
                       recover_method, block_migration=False,
                       migrate_data=None):
        """Move a running guest to ``dest``; call ``post_method`` on
        success or ``recover_method`` on failure."""
        raise NotImplementedError()

    # Live migration: the conductor asks the destination, then the
    # source, whether the move can happen; the source drives it.

    def check_can_live_migrate_destination(self, context, instance,
                                           block_migration=False):
        """On the destination: raise ``MigrationPreCheckError`` if the
        guest cannot come here; return data for the source check."""
        raise NotImplementedError()

    def check_can_live_migrate_source(self, context, instance, dest_data):
        """On the source: raise ``MigrationPreCheckError`` if the guest
        cannot leave; return the migrate data for the next steps."""
        raise NotImplementedError()

    def pre_live_migration(self, context, instance, network_info,
                           migrate_data=None):
        """On the destination: get ready to receive the guest."""
        raise NotImplementedError()

    def post_live_migration(self, context, instance, migrate_data=None):
        """On the source, after success: remove what is left here."""
        raise NotImplementedError()

    def post_live_migration_at_destination(self, context, instance,
                                           network_info, migrate_data=None):
        """On the destination, after success: the guest runs here."""
        raise NotImplementedError()

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info,
                                               migrate_data=None):
        """On the destination, after a failure: remove what was made."""
        raise NotImplementedError()

    def live_migration_force_complete(self, instance):
        """Make the running live migration of ``instance`` finish now."""
        raise NotImplementedError()

    def live_migration_abort(self, instance):
        """Stop the running live migration of ``instance``."""
        raise NotImplementedError()

    def live_migration_progress(self, instance):
        """How far the copy of ``instance``'s live migration is, while
        :meth:`live_migration` runs and once after it returned: a dict of
        byte counts ``memory_total``, ``memory_processed``,
        ``memory_remaining``, ``disk_total``, ``disk_processed`` and
        ``disk_remaining`` (disk ones 0 without block migration), or None
        when the driver cannot tell (the API then shows nulls)."""
        return

    def get_console_output(self, context, instance):
        """The guest's console log as a string."""
        raise NotImplementedError()

    # -- remote consoles ------------------------------------------------
    # Each returns a ConsoleInfo for the running guest of ``instance``;
    # ``InstanceNotFound`` when the host has no guest for it,
    # ``ConsoleTypeUnavailable`` when the guest has no such console, and
    # NotImplementedError when the driver never offers one. The manager
    # makes the token and the URL (nova.compute.consoles).

    def get_vnc_console(self, context, instance):
        """Where the guest's VNC server listens."""
        raise NotImplementedError()

    def get_spice_console(self, context, instance):
        """Where the guest's SPICE server listens (``tls_port`` too when
        it has one)."""
        raise NotImplementedError()

    def get_serial_console(self, context, instance):
        """Where the guest's interactive serial port (TCP) listens."""
        raise NotImplementedError()

    def get_diagnostics(self, instance):
        """A free-form dict of the guest's counters (CPU time, memory,
        disk and NIC traffic), as the Compute API shows before 2.48."""
        raise NotImplementedError()

    def set_admin_password(self, instance, new_pass):
        """Set the guest's administrator password (through a guest agent).
        Raise ``InstancePasswordSetFailed`` when the guest refuses."""
        raise NotImplementedError()

    def trigger_crash_dump(self, instance):
        """Make the guest's kernel dump its memory (an NMI)."""
        raise NotImplementedError()


def load_compute_driver(name=None, virtapi=None):
    """Load ``nova.virt.<name>`` (e.g. ``fake.FakeDriver``), default
    ``[DEFAULT] compute_driver``; raise ``VirtDriverNotFound`` when it
    does not exist or is not a ComputeDriver."""
    name = name or CONF.compute_driver
    if not name:
        raise exception.VirtDriverNotFound(name='(unset compute_driver)')
    LOG.info('Loading compute driver %s', name)
    try:
        cls = importutils.import_class(f'nova.virt.{name}')
    except (ImportError, ValueError, AttributeError) as exc:
        LOG.error('Cannot load compute driver %s: %s', name, exc)
        raise exception.VirtDriverNotFound(name=name)
    if not (isinstance(cls, type) and issubclass(cls, ComputeDriver)):
        raise exception.VirtDriverNotFound(name=name)
    return cls(virtapi)
