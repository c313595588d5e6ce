"""Client side of the compute RPC API (topic ``compute``, server = host).

Version history:

* 1.0 - build_and_run_instance, terminate_instance; reboot_instance,
  stop_instance, start_instance, pause_instance, unpause_instance,
  suspend_instance, resume_instance, set_admin_password (call),
  get_console_output (call), trigger_crash_dump; moves: prep_resize,
  resize_instance, finish_resize, confirm_resize, revert_resize,
  finish_revert_resize; rebuild_instance; shelve_instance,
  shelve_offload_instance, unshelve_instance; snapshot_instance,
  backup_instance; rescue_instance, unrescue_instance;
  soft_delete_instance, restore_instance; live migration:
  check_can_live_migrate_destination/source, live_migration,
  pre_live_migration, post_live_migration_at_destination,
  rollback_live_migration_at_destination, live_migration_force_complete,
  live_migration_abort; rebuild_instance takes recreate, migration
  and node (evacuate); get_vnc_console, get_spice_console,
  get_serial_console (calls) (nothing released yet, so the lifecycle
  actions and the consoles joined 1.0)
"""

import oslo_messaging as messaging

import nova.conf
from nova import rpc

CONF = nova.conf.CONF

RPC_TOPIC = 'compute'


class ComputeAPI:
    """Casts to the nova-compute service of one host."""

    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version=self.VERSION)
        version_cap = CONF.upgrade_levels.compute or None
        self.client = rpc.get_client(target, version_cap=version_cap)

    def _prepare(self, ctxt, host, version='1.0'):
        # A context targeted at a cell carries that cell's bus.
        client = rpc.get_cell_client(ctxt, self.client)
        return client.prepare(server=host, version=version)

    def build_and_run_instance(self, ctxt, instance, host, image,
                               request_spec, filter_properties,
                               admin_password=None, injected_files=None,
                               requested_networks=None,
                               security_groups=None,
                               block_device_mapping=None, node=None,
                               limits=None, host_list=None):
        cctxt = self._prepare(ctxt, host)
        cctxt.cast(ctxt, 'build_and_run_instance', instance=instance,
                   image=image, request_spec=request_spec,
                   filter_properties=filter_properties,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   security_groups=security_groups,
                   block_device_mapping=block_device_mapping, node=node,
                   limits=limits, host_list=host_list)

    def terminate_instance(self, ctxt, instance, bdms):
        cctxt = self._prepare(ctxt, instance.host)
        cctxt.cast(ctxt, 'terminate_instance', instance=instance, bdms=bdms)

    # Lifecycle actions that keep the instance on its host. Casts: the
    # API answers 202 and the compute finishes the task state.

    def _cast_to_host(self, ctxt, method, instance, **kwargs):
        cctxt = self._prepare(ctxt, instance.host)
        cctxt.cast(ctxt, method, instance=instance, **kwargs)

    def reboot_instance(self, ctxt, instance, reboot_type):
        self._cast_to_host(ctxt, 'reboot_instance', instance,
                           reboot_type=reboot_type)

    def stop_instance(self, ctxt, instance):
        self._cast_to_host(ctxt, 'stop_instance', instance)

    def start_instance(self, ctxt, instance):
        self._cast_to_host(ctxt, 'start_instance', instance)

    def pause_instance(self, ctxt, instance):
        self._cast_to_host(ctxt, 'pause_instance', instance)

    def unpause_instance(self, ctxt, instance):
        self._cast_to_host(ctxt, 'unpause_instance', instance)

    def suspend_instance(self, ctxt, instance):
        self._cast_to_host(ctxt, 'suspend_instance', instance)

    def resume_instance(self, ctxt, instance):
        self._cast_to_host(ctxt, 'resume_instance', instance)

    def trigger_crash_dump(self, ctxt, instance):
        self._cast_to_host(ctxt, 'trigger_crash_dump', instance)

    # Calls: the API reports the outcome (or returns data).

    def set_admin_password(self, ctxt, instance, new_pass):
        cctxt = self._prepare(ctxt, instance.host)
        return cctxt.call(ctxt, 'set_admin_password', instance=instance,
                          new_pass=new_pass)

    def get_console_output(self, ctxt, instance, tail_length=None):
        cctxt = self._prepare(ctxt, instance.host)
        return cctxt.call(ctxt, 'get_console_output', instance=instance,
                          tail_length=tail_length)

    def get_vnc_console(self, ctxt, instance, console_type):
        """{'type', 'url'}: the console proxy URL with a new token."""
        cctxt = self._prepare(ctxt, instance.host)
        return cctxt.call(ctxt, 'get_vnc_console', instance=instance,
                          console_type=console_type)

    def get_spice_console(self, ctxt, instance, console_type):
        cctxt = self._prepare(ctxt, instance.host)
        return cctxt.call(ctxt, 'get_spice_console', instance=instance,
                          console_type=console_type)

    def get_serial_console(self, ctxt, instance, console_type):
        cctxt = self._prepare(ctxt, instance.host)
        return cctxt.call(ctxt, 'get_serial_console', instance=instance,
                          console_type=console_type)

    def get_diagnostics(self, ctxt, instance):
        cctxt = self._prepare(ctxt, instance.host)
        return cctxt.call(ctxt, 'get_diagnostics', instance=instance)

    # Moves (nova.compute.resize). Each cast goes to the host that does
    # the next step: destination, source, destination.

    def prep_resize(self, ctxt, instance, flavor, migration, host, node):
        cctxt = self._prepare(ctxt, host)
        cctxt.cast(ctxt, 'prep_resize', instance=instance, flavor=flavor,
                   migration=migration, node=node)

    def resize_instance(self, ctxt, instance, flavor, migration):
        cctxt = self._prepare(ctxt, migration.source_compute)
        cctxt.cast(ctxt, 'resize_instance', instance=instance,
                   flavor=flavor, migration=migration)

    def finish_resize(self, ctxt, instance, migration, disk_info):
        cctxt = self._prepare(ctxt, migration.dest_compute)
        cctxt.cast(ctxt, 'finish_resize', instance=instance,
                   migration=migration, disk_info=disk_info)

    def confirm_resize(self, ctxt, instance, migration, cast=True):
        """Cast, or (``cast=False``: a delete waits for it) call."""
        cctxt = self._prepare(ctxt, migration.source_compute)
        send = cctxt.cast if cast else cctxt.call
        send(ctxt, 'confirm_resize', instance=instance, migration=migration)

    def revert_resize(self, ctxt, instance, migration):
        cctxt = self._prepare(ctxt, migration.dest_compute)
        cctxt.cast(ctxt, 'revert_resize', instance=instance,
                   migration=migration)

    def finish_revert_resize(self, ctxt, instance, migration):
        cctxt = self._prepare(ctxt, migration.source_compute)
        cctxt.cast(ctxt, 'finish_revert_resize', instance=instance,
                   migration=migration)

    # Actions on the instance's own host.

    def rebuild_instance(self, ctxt, instance, image_ref, admin_password,
                         preserve_ephemeral=False):
        self._cast_to_host(ctxt, 'rebuild_instance', instance,
                           image_ref=image_ref,
                           admin_password=admin_password,
                           preserve_ephemeral=preserve_ephemeral)

    def shelve_instance(self, ctxt, instance, image_id):
        self._cast_to_host(ctxt, 'shelve_instance', instance,
                           image_id=image_id)

    def shelve_offload_instance(self, ctxt, instance):
        self._cast_to_host(ctxt, 'shelve_offload_instance', instance)

    def unshelve_instance(self, ctxt, instance, host, node):
        cctxt = self._prepare(ctxt, host)
        cctxt.cast(ctxt, 'unshelve_instance', instance=instance, node=node)

    def snapshot_instance(self, ctxt, instance, image_id):
        self._cast_to_host(ctxt, 'snapshot_instance', instance,
                           image_id=image_id)

    def backup_instance(self, ctxt, instance, image_id, backup_type,
                        rotation):
        self._cast_to_host(ctxt, 'backup_instance', instance,
                           image_id=image_id, backup_type=backup_type,
                           rotation=rotation)

    def rescue_instance(self, ctxt, instance, rescue_password,
                        rescue_image_ref=None):
        self._cast_to_host(ctxt, 'rescue_instance', instance,
                           rescue_password=rescue_password,
                           rescue_image_ref=rescue_image_ref)

    def unrescue_instance(self, ctxt, instance):
        self._cast_to_host(ctxt, 'unrescue_instance', instance)

    def soft_delete_instance(self, ctxt, instance):
        self._cast_to_host(ctxt, 'soft_delete_instance', instance)

    def restore_instance(self, ctxt, instance):
        self._cast_to_host(ctxt, 'restore_instance', instance)

    # Live migration (nova.compute.live_migration). The checks and the
    # destination's steps are calls: the next step needs their outcome.

    def check_can_live_migrate_destination(self, ctxt, instance,
                                           block_migration, host):
        cctxt = self._prepare(ctxt, host)
        return cctxt.call(ctxt, 'check_can_live_migrate_destination',
                          instance=instance, block_migration=block_migration)

    def check_can_live_migrate_source(self, ctxt, instance, dest_data):
        cctxt = self._prepare(ctxt, instance.host)
        return cctxt.call(ctxt, 'check_can_live_migrate_source',
                          instance=instance, dest_data=dest_data)

    def live_migration(self, ctxt, instance, dest, migration,
                       block_migration, migrate_data):
        cctxt = self._prepare(ctxt, instance.host)
        cctxt.cast(ctxt, 'live_migration', instance=instance, dest=dest,
                   migration=migration, block_migration=block_migration,
                   migrate_data=migrate_data)

    def pre_live_migration(self, ctxt, instance, migrate_data, host):
        cctxt = self._prepare(ctxt, host)
        return cctxt.call(ctxt, 'pre_live_migration', instance=instance,
                          migrate_data=migrate_data)

    def post_live_migration_at_destination(self, ctxt, instance, node,
                                           host):
        cctxt = self._prepare(ctxt, host)
        cctxt.call(ctxt, 'post_live_migration_at_destination',
                   instance=instance, node=node)

    def rollback_live_migration_at_destination(self, ctxt, instance, host):
        cctxt = self._prepare(ctxt, host)
        cctxt.cast(ctxt, 'rollback_live_migration_at_destination',
                   instance=instance)

    def live_migration_force_complete(self, ctxt, instance):
        self._cast_to_host(ctxt, 'live_migration_force_complete', instance)

    def live_migration_abort(self, ctxt, instance, migration_id):
        self._cast_to_host(ctxt, 'live_migration_abort', instance,
                           migration_id=migration_id)

    def evacuate_to(self, ctxt, instance, image_ref, admin_password,
                    migration, host, node):
        """rebuild_instance with ``recreate`` on the evacuation's
        destination ``host``."""
        cctxt = self._prepare(ctxt, host)
        cctxt.cast(ctxt, 'rebuild_instance', instance=instance,
                   image_ref=image_ref, admin_password=admin_password,
                   preserve_ephemeral=False, recreate=True,
                   migration=migration, node=node)
