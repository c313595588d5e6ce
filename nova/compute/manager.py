"""nova-compute's RPC manager: runs instances on this host.

The manager is the RPC endpoint and the owner of the shared parts (virt
driver, resource tracker, network and image clients, report client);
each workflow lives in its own module: :mod:`nova.compute.build`,
:mod:`nova.compute.delete`, :mod:`nova.compute.recovery`,
:mod:`nova.compute.resize` (resize, cold migration, confirm, revert),
:mod:`nova.compute.rebuild`, :mod:`nova.compute.shelve`,
:mod:`nova.compute.snapshot`, :mod:`nova.compute.rescue`,
:mod:`nova.compute.soft_delete`,
:mod:`nova.compute.power` (actions that keep the instance on this host)
and :mod:`nova.compute.power_sync`.
"""

import concurrent.futures
import threading
import time

import oslo_messaging as messaging
from oslo_concurrency import lockutils
from oslo_log import log as logging
from oslo_service import periodic_task

import nova.conf
from nova import manager, network, objects, utils
from nova.compute import (
    build,
    consoles,
    delete,
    evacuate,
    info_cache,
    live_migration,
    orphans,
    power,
    power_sync,
    rebuild,
    recovery,
    rescue,
    resize,
    resource_tracker,
    shelve,
    snapshot,
    soft_delete,
    stalled,
)
from nova.objects import base as objects_base
from nova.virt import driver as virt_driver

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# max_concurrent_builds = 0 means unlimited; threads are still bounded.
_UNLIMITED_BUILDS = 256


@stalled.track_instance_operations
class ComputeManager(manager.Manager):
    """Builds, deletes and watches the instances of compute host ``host``."""

    target = messaging.Target(version='1.0')
    service_name = 'compute'

    def __init__(self, host=None, compute_driver=None, reportclient=None,
                 db_allowed=True, *args, **kwargs):
        super().__init__(host=host, service_name='compute')
        self.db_allowed = db_allowed
        self.driver = virt_driver.load_compute_driver(compute_driver)
        self._reportclient = reportclient
        self.rt = resource_tracker.ResourceTracker(
            self.host, self.driver, reportclient=reportclient)
        self.network_api = network.API()
        self._image_api = None
        self._compute_task_api = None
        self.service_ref = None
        self._last_resource_update = float('-inf')   # never: due at once
        self._last_power_sync = time.monotonic()
        self._last_resize_poll = float('-inf')
        self._last_shelved_poll = time.monotonic()
        self._last_reclaim = float('-inf')
        self._last_stalled_poll = time.monotonic()
        self._last_running_deleted_poll = time.monotonic()
        self._last_image_cache_pass = time.monotonic()
        self._last_info_cache_heal = time.monotonic()
        self.info_cache_healer = info_cache.Healer()
        # What this service is working on (see nova.compute.stalled).
        self.operations = stalled.Operations()
        workers = CONF.max_concurrent_builds or _UNLIMITED_BUILDS
        self._build_executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix=f'build-{self.host}')
        self._builds = set()
        self._builds_lock = threading.Lock()
        # {future: (context, instance, request)} of builds not started yet.
        self._queued_builds = {}
        # Ids of live migrations an admin aborted (they end 'cancelled').
        self.aborted_live_migrations = set()

    # Peer clients are made on first use: importing them pulls in RPC
    # clients that need nova.rpc.init() to have run.

    @property
    def reportclient(self):
        if self._reportclient is None:
            self._reportclient = self.rt.reportclient
        return self._reportclient

    @property
    def image_api(self):
        if self._image_api is None:
            from nova.image import glance
            self._image_api = glance.API()
        return self._image_api

    @property
    def compute_task_api(self):
        if self._compute_task_api is None:
            from nova.conductor import rpcapi as conductor_rpcapi
            self._compute_task_api = conductor_rpcapi.ComputeTaskAPI()
        return self._compute_task_api

    @property
    def compute_rpcapi(self):
        """Casts to other computes (the next step of a move)."""
        if getattr(self, '_compute_rpcapi', None) is None:
            from nova.compute import rpcapi as compute_rpcapi
            self._compute_rpcapi = compute_rpcapi.ComputeAPI()
        return self._compute_rpcapi

    def instance_lock(self, instance_uuid):
        """Serializes the operations of one instance on this host."""
        return lockutils.lock(f'compute-{self.host}-{instance_uuid}')

    # -- service hooks ----------------------------------------------------

    def init_host(self, service_ref=None):
        """Connect the driver. Unless this process may use the DB itself
        (``db_allowed``, e.g. nova-all), remotable object calls go to
        nova-conductor: nova-compute holds no DB credentials."""
        if (not self.db_allowed
                and objects_base.NovaObject.indirection_api is None):
            from nova.conductor import rpcapi as conductor_rpcapi
            objects_base.NovaObject.indirection_api = \
                conductor_rpcapi.ConductorAPI()
            LOG.info('Objects of %s go through nova-conductor', self.host)
        # Lifecycle events are handled one at a time, off the driver's
        # thread: a sync may wait for the instance's lock.
        self._event_executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix=f'events-{self.host}')
        self.driver.register_event_listener(self._on_lifecycle_event)
        self.driver.init_host(host=self.host)

    def pre_start_hook(self, service_ref=None):
        """Finish what a crash interrupted, then report resources."""
        from nova import context as nova_context
        self.service_ref = service_ref
        if service_ref is not None and service_ref.obj_attr_is_set('id'):
            self.rt.service_id = service_ref.id
        ctxt = nova_context.get_admin_context()
        redrives = []
        try:
            redrives = recovery.recover_instances(self, ctxt)
        except Exception:
            LOG.exception('Start-up recovery of the instances of %s failed',
                          self.host)
        self.rt.update_available_resource(ctxt)
        self._last_resource_update = time.monotonic()
        recovery.start_redrives(self, ctxt, redrives)

    def reset(self):
        """After a configuration reload: new image client settings."""
        from nova.image import glance
        glance.reset()
        self._image_api = None

    def cleanup_host(self):
        self._hand_back_queued_builds()
        # Builds get the graceful shutdown time to finish; one still
        # running after it (e.g. waiting on a conductor that stopped too)
        # is cut off with the process and built again at the next start
        # (nova.compute.recovery).
        deadline = getattr(self, 'stop_deadline', None)
        timeout = (CONF.graceful_shutdown_timeout if deadline is None
                   else max(0.0, deadline - time.monotonic()))
        self.wait_for_builds(timeout=timeout)
        self._build_executor.shutdown(wait=False)
        self.driver.register_event_listener(None)
        if getattr(self, '_event_executor', None) is not None:
            self._event_executor.shutdown(wait=True)
        self.driver.cleanup_host(host=self.host)

    def _on_lifecycle_event(self, event):
        """The driver saw a guest change: sync that instance's power
        state now rather than at the next periodic pass."""
        LOG.debug('Lifecycle event %s of %s (%s)', event.transition,
                  event.uuid, event.reason)
        from nova import context as nova_context
        self._event_executor.submit(
            self._sync_after_event, nova_context.get_admin_context(),
            event.uuid)

    def _sync_after_event(self, ctxt, instance_uuid):
        try:
            power_sync.sync_instance(self, ctxt, instance_uuid)
        except Exception:
            LOG.exception('Could not sync %s after its lifecycle event',
                          instance_uuid)

    @periodic_task.periodic_task(spacing=1, run_immediately=False)
    def _run_image_cache_manager_pass(self, context):
        """Every ``[image_cache] manager_interval`` seconds: let the driver
        age the images it caches on this host."""
        interval = CONF.image_cache.manager_interval
        if interval <= 0 or not self.driver.capabilities.get(
                'has_imagecache'):
            return
        if time.monotonic() - self._last_image_cache_pass < interval:
            return
        self._last_image_cache_pass = time.monotonic()
        self.driver.manage_image_cache(
            context, objects.InstanceList.get_by_host(context, self.host))

    @periodic_task.periodic_task(spacing=1, run_immediately=False)
    def update_available_resource(self, context):
        """Every ``update_resources_interval`` seconds: refresh the nodes'
        usage and Placement inventory (the task itself ticks each second
        so that the interval follows a configuration reload)."""
        interval = CONF.update_resources_interval
        if interval <= 0:
            return
        if time.monotonic() - self._last_resource_update < interval:
            return
        self._last_resource_update = time.monotonic()
        self.rt.update_available_resource(context)

    @periodic_task.periodic_task(spacing=1, run_immediately=False)
    def _sync_power_states(self, context):
        """Every ``sync_power_state_interval`` seconds: see
        :mod:`nova.compute.power_sync`."""
        interval = CONF.sync_power_state_interval
        if interval <= 0:
            return
        if time.monotonic() - self._last_power_sync < interval:
            return
        self._last_power_sync = time.monotonic()
        self.sync_power_states(context)

    @periodic_task.periodic_task(spacing=1, run_immediately=False)
    def _heal_instance_info_cache(self, context):
        """Every ``heal_instance_info_cache_interval`` seconds: see
        :mod:`nova.compute.info_cache`."""
        interval = CONF.heal_instance_info_cache_interval
        if interval <= 0:
            return
        if time.monotonic() - self._last_info_cache_heal < interval:
            return
        self._last_info_cache_heal = time.monotonic()
        self.info_cache_healer.heal_one(self, context)

    @periodic_task.periodic_task(spacing=1, run_immediately=False)
    def _poll_unconfirmed_resizes(self, context):
        """Confirm resizes older than ``resize_confirm_window``."""
        if CONF.resize_confirm_window <= 0:
            return
        if time.monotonic() - self._last_resize_poll < \
                min(CONF.resize_confirm_window, 60):
            return
        self._last_resize_poll = time.monotonic()
        resize.confirm_expired_resizes(self, context)

    @periodic_task.periodic_task(spacing=1, run_immediately=False)
    def _poll_shelved_instances(self, context):
        """Offload servers shelved longer than ``shelved_offload_time``."""
        interval = CONF.shelved_poll_interval
        if interval <= 0 or CONF.shelved_offload_time <= 0:
            return
        if time.monotonic() - self._last_shelved_poll < interval:
            return
        self._last_shelved_poll = time.monotonic()
        shelve.offload_expired(self, context)

    @periodic_task.periodic_task(spacing=1, run_immediately=False)
    def _reclaim_queued_deletes(self, context):
        """Delete soft-deleted servers older than
        ``reclaim_instance_interval``."""
        interval = CONF.reclaim_instance_interval
        if interval <= 0:
            return
        if time.monotonic() - self._last_reclaim < min(interval, 60):
            return
        self._last_reclaim = time.monotonic()
        soft_delete.reclaim_expired(self, context)

    @periodic_task.periodic_task(spacing=1, run_immediately=False)
    def _end_stalled_tasks(self, context):
        """Every ``task_state_poll_interval`` seconds: end the tasks that
        made no progress for ``task_state_timeout`` seconds."""
        if CONF.task_state_timeout <= 0:
            return
        if time.monotonic() - self._last_stalled_poll < \
                CONF.task_state_poll_interval:
            return
        self._last_stalled_poll = time.monotonic()
        stalled.end_stalled_tasks(self, context)

    @periodic_task.periodic_task(spacing=60, run_immediately=False)
    def _clean_expired_console_tokens(self, context):
        """Purge the expired console tokens of this host's instances
        (validation refuses them anyway; this keeps the table small)."""
        consoles.clean_expired_tokens(self, context)

    @periodic_task.periodic_task(spacing=1, run_immediately=False)
    def _cleanup_running_deleted_instances(self, context):
        """Every ``running_deleted_instance_poll_interval`` seconds: see
        :mod:`nova.compute.orphans`."""
        interval = CONF.running_deleted_instance_poll_interval
        if interval <= 0:
            return
        if time.monotonic() - self._last_running_deleted_poll < interval:
            return
        self._last_running_deleted_poll = time.monotonic()
        orphans.handle_running_deleted(self, context)

    def sync_power_states(self, context):
        """One power state sync pass now; how many instances changed."""
        return power_sync.sync_power_states(self, context)

    @property
    def shutdown_timeout(self):
        return CONF.shutdown_timeout

    # -- RPC API 1.0 --------------------------------------------------------

    def build_and_run_instance(self, context, instance, image, request_spec,
                               filter_properties, admin_password=None,
                               injected_files=None, requested_networks=None,
                               security_groups=None,
                               block_device_mapping=None, node=None,
                               limits=None, host_list=None):
        """Start the build in a pool thread and return: builds can take
        long and must not hold the RPC server's threads."""
        request = build.BuildRequestArgs(
            image=image, request_spec=request_spec,
            filter_properties=filter_properties,
            admin_password=admin_password, injected_files=injected_files,
            requested_networks=requested_networks,
            security_groups=security_groups,
            block_device_mapping=block_device_mapping, node=node,
            limits=limits, host_list=host_list)
        future = self._submit(instance, build.build_and_run_instance,
                              context, self, context, instance, request)
        with self._builds_lock:
            self._queued_builds[future] = (context, instance, request)
        future.add_done_callback(self._forget_queued)

    def _forget_queued(self, future):
        with self._builds_lock:
            self._queued_builds.pop(future, None)

    def _hand_back_queued_builds(self):
        """Builds taken from the queue but not started yet go back to it
        (this host's topic, durable): the next start runs them instead of
        losing them with the process."""
        with self._builds_lock:
            queued = list(self._queued_builds.items())
        handed = 0
        for future, (context, instance, req) in queued:
            if not future.cancel():
                continue    # started meanwhile: it gets the deadline
            try:
                self.compute_rpcapi.build_and_run_instance(
                    context, instance=instance, host=self.host,
                    image=req.image, request_spec=req.request_spec,
                    filter_properties=req.filter_properties,
                    admin_password=req.admin_password,
                    injected_files=req.injected_files,
                    requested_networks=req.requested_networks,
                    security_groups=req.security_groups,
                    block_device_mapping=req.block_device_mapping,
                    node=req.node, limits=req.limits,
                    host_list=req.host_list)
                handed += 1
            except Exception:
                LOG.exception('Could not hand the build of %s back to the '
                              'queue', instance.uuid)
        if handed:
            LOG.info('%d build(s) not started yet handed back to the '
                     'queue of %s', handed, self.host)

    def _submit(self, instance, func, context, *args):
        """Run ``func(*args)`` in the pool; the instance counts as worked
        on until it ends. Returns its future."""
        self.operations.enter(instance.uuid)
        try:
            future = self._build_executor.submit(
                utils.with_context(func, context), *args)
        except BaseException:
            self.operations.exit(instance.uuid)
            raise
        with self._builds_lock:
            self._builds.add(future)
        future.add_done_callback(
            lambda f: self._build_done(f, instance.uuid))
        return future

    def _build_done(self, future, instance_uuid):
        self.operations.exit(instance_uuid)
        with self._builds_lock:
            self._builds.discard(future)

    def wait_for_builds(self, timeout=None):
        """Wait until the builds started so far end (tests, shutdown)."""
        with self._builds_lock:
            pending = list(self._builds)
        concurrent.futures.wait(pending, timeout=timeout)

    def terminate_instance(self, context, instance, bdms=None):
        delete.terminate_instance(self, context, instance)

    # Actions that keep the instance on this host (nova.compute.power).

    def reboot_instance(self, context, instance, reboot_type='SOFT'):
        power.reboot(self, context, instance, reboot_type)

    def stop_instance(self, context, instance, clean_shutdown=True):
        power.stop(self, context, instance, clean_shutdown)

    def start_instance(self, context, instance):
        power.start(self, context, instance)

    def pause_instance(self, context, instance):
        power.pause(self, context, instance)

    def unpause_instance(self, context, instance):
        power.unpause(self, context, instance)

    def suspend_instance(self, context, instance):
        power.suspend(self, context, instance)

    def resume_instance(self, context, instance):
        power.resume(self, context, instance)

    def set_admin_password(self, context, instance, new_pass):
        power.set_admin_password(self, context, instance, new_pass)

    def trigger_crash_dump(self, context, instance):
        power.trigger_crash_dump(self, context, instance)

    def get_console_output(self, context, instance, tail_length=None):
        return power.get_console_output(self, context, instance,
                                        tail_length)

    # Remote consoles (nova.compute.consoles): calls answering the URL.

    def get_vnc_console(self, context, instance, console_type):
        return consoles.get_console(self, context, instance, 'vnc',
                                    console_type)

    def get_spice_console(self, context, instance, console_type):
        return consoles.get_console(self, context, instance, 'spice',
                                    console_type)

    def get_serial_console(self, context, instance, console_type):
        return consoles.get_console(self, context, instance, 'serial',
                                    console_type)

    def get_diagnostics(self, context, instance):
        # NotImplementedError crosses RPC as itself: the API answers 501.
        return self.driver.get_diagnostics(instance)

    # Moves (nova.compute.resize).

    def prep_resize(self, context, instance, flavor, migration, node=None):
        resize.prep_resize(self, context, instance, flavor, migration, node)

    def resize_instance(self, context, instance, flavor, migration):
        resize.resize_instance(self, context, instance, flavor, migration)

    def finish_resize(self, context, instance, migration, disk_info=None):
        resize.finish_resize(self, context, instance, migration, disk_info)

    def confirm_resize(self, context, instance, migration):
        resize.confirm_resize(self, context, instance, migration)

    def revert_resize(self, context, instance, migration):
        resize.revert_resize(self, context, instance, migration)

    def finish_revert_resize(self, context, instance, migration):
        resize.finish_revert_resize(self, context, instance, migration)

    # One module each: rebuild, shelve, snapshot, rescue, soft_delete.

    def rebuild_instance(self, context, instance, image_ref,
                         admin_password=None, preserve_ephemeral=False,
                         recreate=False, migration=None, node=None):
        """``recreate``: an evacuation to this host
        (:mod:`nova.compute.evacuate`)."""
        if recreate:
            evacuate.recreate(self, context, instance, image_ref,
                              admin_password, migration, node)
            return
        rebuild.rebuild(self, context, instance, image_ref,
                          admin_password, preserve_ephemeral)

    def shelve_instance(self, context, instance, image_id):
        shelve.shelve(self, context, instance, image_id)

    def shelve_offload_instance(self, context, instance):
        shelve.shelve_offload(self, context, instance)

    def unshelve_instance(self, context, instance, node=None):
        shelve.unshelve(self, context, instance, node)

    def snapshot_instance(self, context, instance, image_id):
        snapshot.snapshot(self, context, instance, image_id)

    def backup_instance(self, context, instance, image_id, backup_type,
                        rotation):
        snapshot.backup(self, context, instance, image_id, backup_type,
                         rotation)

    def rescue_instance(self, context, instance, rescue_password,
                        rescue_image_ref=None):
        rescue.rescue(self, context, instance, rescue_password,
                         rescue_image_ref)

    def unrescue_instance(self, context, instance):
        rescue.unrescue(self, context, instance)

    def soft_delete_instance(self, context, instance):
        soft_delete.soft_delete(self, context, instance)

    def restore_instance(self, context, instance):
        soft_delete.restore(self, context, instance)

    # Live migration (nova.compute.live_migration).

    def check_can_live_migrate_destination(self, context, instance,
                                           block_migration=False):
        return live_migration.check_destination(self, context, instance,
                                                block_migration)

    def check_can_live_migrate_source(self, context, instance, dest_data):
        return live_migration.check_source(self, context, instance,
                                           dest_data)

    def live_migration(self, context, instance, dest, migration,
                       block_migration=False, migrate_data=None):
        """In a pool thread: the copy may run long, and force complete
        and abort must reach this host meanwhile."""
        self._submit(instance, live_migration.live_migration, context,
                     self, context, instance, dest, migration,
                     block_migration, migrate_data)

    def pre_live_migration(self, context, instance, migrate_data=None):
        return live_migration.pre_live_migration(self, context, instance,
                                                 migrate_data)

    def post_live_migration_at_destination(self, context, instance,
                                           node=None):
        live_migration.post_at_destination(self, context, instance, node)

    def rollback_live_migration_at_destination(self, context, instance):
        live_migration.rollback_at_destination(self, context, instance)

    def live_migration_force_complete(self, context, instance):
        live_migration.force_complete(self, context, instance)

    def live_migration_abort(self, context, instance, migration_id):
        live_migration.abort(self, context, instance, migration_id)
