"""The compute API's rebuild, snapshot/backup, shelve, rescue and soft
delete actions.

Mixed into :class:`nova.compute.api.API`. Input is checked first (400
saying what is wrong), then the lock and the state table (409), then the
task state is saved with a compare-and-swap and the compute (or the
conductor, for unshelve) is cast.
"""

from oslo_log import log as logging

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import instance_states, vm_states
from nova.i18n import _

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

SHELVED_IMAGE_ID = 'shelved_image_id'

# Image properties a snapshot does not inherit from the server's image.
_NOT_INHERITED = ('image_min_ram', 'image_min_disk', 'image_disk_format',
                  'image_container_format', 'image_base_image_ref',
                  'image_image_type', 'image_instance_uuid',
                  'image_user_id', 'image_backup_type')


class UnshelveZoneConflict(exception.Conflict):
    msg_fmt = _('availability_zone and host can only be given to unshelve '
                'a shelved_offloaded server; server %(instance_uuid)s is '
                '%(state)s.')


# An argument not given (None has a meaning of its own).
UNSET = object()


class InvalidRescueImage(exception.Invalid):
    msg_fmt = _('Cannot rescue with image %(image_id)s: %(reason)s')


class LifecycleMixin:
    """Rebuild, images, shelve, rescue, soft delete of
    :class:`nova.compute.api.API`."""

    # Rebuild ------------------------------------------------------------

    def rebuild(self, context, instance, image_href, admin_password,
                metadata=None, preserve_ephemeral=False, **updates):
        """Rebuild from ``image_href`` (checked: exists, active, fits the
        flavor); ``updates`` are display_name, display_description,
        access_ip_v4/6. Returns the instance as it is now."""
        image = self._get_image(context, image_href)
        self._check_image_fits(image, instance.flavor)
        if metadata is not None:
            self._check_metadata(metadata)
        from nova.compute import api as compute_api

        def cast(cctxt, inst):
            inst.image_ref = image['id']
            meta = {k: v for k, v in (inst.system_metadata or {}).items()
                    if not k.startswith('image_')}
            meta.update(compute_api._image_system_metadata(image))
            inst.system_metadata = meta
            for key, value in updates.items():
                setattr(inst, key, value)
            if metadata is not None:
                inst.metadata = dict(metadata)
            inst.save()
            self.compute_rpcapi.rebuild_instance(
                cctxt, inst, image['id'], admin_password,
                preserve_ephemeral=preserve_ephemeral)
            return inst
        return self._start_action(context, instance, 'rebuild', cast)

    # Snapshot and backup -------------------------------------------------

    def _image_properties(self, instance, image_type, extra=None):
        """What a snapshot of ``instance`` says about itself: the
        server's image's properties, then the documented ones."""
        props = {k[len('image_'):]: v
                 for k, v in (instance.system_metadata or {}).items()
                 if k.startswith('image_') and k not in _NOT_INHERITED}
        props.update({'instance_uuid': instance.uuid,
                      'user_id': instance.user_id,
                      'image_type': image_type,
                      'base_image_ref': instance.image_ref or ''})
        props.update(extra or {})
        return props

    def _create_image_record(self, context, instance, name, props):
        meta = {'name': name, 'properties': props}
        system = instance.system_metadata or {}
        for key in ('disk_format', 'container_format'):
            if system.get(f'image_{key}'):
                meta[key] = system[f'image_{key}']
        meta.setdefault('disk_format', 'raw')
        meta.setdefault('container_format', 'bare')
        if system.get('image_min_ram'):
            meta['min_ram'] = int(system['image_min_ram'])
        meta['min_disk'] = max(int(system.get('image_min_disk') or 0),
                               instance.flavor.root_gb or 0)
        return self.image_api.create(context, meta)

    def _start_with_image(self, context, instance, action, name, props,
                          rpc_call):
        """Check the state first, then create the image record, then
        cast; the image is removed again if the cast cannot start."""
        row = instance_states.get(action)
        self.check_lock(context, instance, row.api_action)
        _cell, current = self._on_host(context, instance)
        instance_states.check(action, current)
        image = self._create_image_record(context, current, name, props)
        try:
            self._start_action(context, current, action,
                               lambda cctxt, inst: rpc_call(cctxt, inst,
                                                            image))
        except Exception:
            try:
                self.image_api.delete(context, image['id'])
            except Exception:  # noqa: BLE001 - the first error matters
                LOG.warning('Could not remove image %s of a failed %s',
                            image['id'], action)
            raise
        return image

    def snapshot(self, context, instance, name, extra_properties=None):
        """Snapshot to a new image named ``name``; returns the image
        (still being uploaded)."""
        props = self._image_properties(instance, 'snapshot',
                                       extra_properties)
        return self._start_with_image(
            context, instance, 'createImage', name, props,
            lambda cctxt, inst, image: self.compute_rpcapi.snapshot_instance(
                cctxt, inst, image['id']))

    def backup(self, context, instance, name, backup_type, rotation,
               extra_properties=None):
        """A backup image; older backups of ``backup_type`` beyond
        ``rotation`` are deleted once it is uploaded."""
        props = self._image_properties(instance, 'backup', extra_properties)
        props['backup_type'] = backup_type
        return self._start_with_image(
            context, instance, 'createBackup', name, props,
            lambda cctxt, inst, image: self.compute_rpcapi.backup_instance(
                cctxt, inst, image['id'], backup_type, rotation))

    # Shelve -------------------------------------------------------------

    def shelve(self, context, instance):
        """Snapshot to '<name>-shelved', power off; offloaded at once when
        ``shelved_offload_time`` is 0."""
        props = self._image_properties(instance, 'snapshot')
        return self._start_with_image(
            context, instance, 'shelve', f'{instance.display_name}-shelved',
            props,
            lambda cctxt, inst, image: self.compute_rpcapi.shelve_instance(
                cctxt, inst, image['id']))

    def shelve_offload(self, context, instance):
        return self._start_action(
            context, instance, 'shelveOffload',
            lambda cctxt, inst: self.compute_rpcapi.shelve_offload_instance(
                cctxt, inst))

    def unshelve(self, context, instance, availability_zone=UNSET,
                 host=None):
        """A shelved server starts again on its host; an offloaded one
        is scheduled by the conductor, into ``availability_zone`` when one
        is named (2.77), anywhere when it is None (2.91: unpinned), and on
        ``host`` when one is named (2.91, admins): only an offloaded
        server may change zone or host."""
        row = instance_states.get('unshelve')
        self.check_lock(context, instance, row.api_action)
        cell, instance = self._on_host(context, instance)
        instance_states.check('unshelve', instance)
        if availability_zone is not UNSET or host is not None:
            self._unshelve_to(context, instance, cell, availability_zone,
                              host)
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            instance.task_state = row.task_state
            instance.save(expected_task_state=[None],
                          expected_vm_state=list(row.from_vm_states))
            objects.InstanceAction.action_start(
                cctxt, instance.uuid, row.api_action, want_result=False)
            if instance.vm_state == vm_states.SHELVED and instance.host:
                self.compute_rpcapi.unshelve_instance(
                    cctxt, instance, host=instance.host, node=instance.node)
            else:
                self.compute_task_api.unshelve_instance(context, instance)

    @staticmethod
    def _unshelve_to(context, instance, cell, zone, host):
        """Check that ``instance`` may go to ``zone`` (UNSET: keep its
        own; None: any) and ``host``, and record them in its request
        spec, which the conductor schedules with (the scheduler still
        checks that the server fits on the host)."""
        from nova import availability_zones
        if instance.vm_state != vm_states.SHELVED_OFFLOADED:
            raise UnshelveZoneConflict(instance_uuid=instance.uuid,
                                       state=instance.vm_state)
        if zone is not UNSET and zone is not None:
            try:
                availability_zones.check_zone(context, zone)
            except availability_zones.ZoneNotAvailable as exc:
                raise exception.ValidationError(
                    detail=f'availability_zone: {exc.format_message()}')
        try:
            spec = objects.RequestSpec.get_by_instance_uuid(
                context, instance.uuid)
        except exception.RequestSpecNotFound:
            spec = objects.RequestSpec.from_components(
                context, instance.uuid, None, instance.flavor, 1,
                instance.availability_zone, {}, instance.project_id,
                instance.user_id)
        wanted_zone = spec.availability_zone if zone is UNSET else zone
        if host is not None:
            try:
                mapping = objects.HostMapping.get_by_host(context, host)
            except exception.HostMappingNotFound:
                raise exception.ValidationError(
                    detail=f'host: compute host {host} could not be '
                           f'found.') from None
            if cell is not None and mapping.cell_mapping.uuid != cell.uuid:
                raise exception.ValidationError(
                    detail=f'host: compute host {host} is in another cell '
                           f'than the server.')
            host_zone = availability_zones.host_zone(context, host)
            if wanted_zone and wanted_zone != host_zone:
                raise exception.ValidationError(
                    detail=f'host: compute host {host} is in availability '
                           f'zone {host_zone}, not in {wanted_zone}.')
        spec.availability_zone = wanted_zone
        # Cleared by the conductor once it scheduled (or failed to).
        spec.force_hosts = [host] if host else None
        if 'id' in spec:
            spec.save()
        else:
            spec.create()

    # Rescue -------------------------------------------------------------

    def rescue(self, context, instance, rescue_password,
               rescue_image_ref=None):
        if rescue_image_ref:
            try:
                image = self.image_api.get(context, rescue_image_ref)
            except exception.ImageNotFound:
                raise InvalidRescueImage(image_id=rescue_image_ref,
                                         reason=_('there is no such image.'))
            if image.get('status') != 'active':
                raise InvalidRescueImage(image_id=rescue_image_ref,
                                         reason=_('it is not active.'))
        return self._start_action(
            context, instance, 'rescue',
            lambda cctxt, inst: self.compute_rpcapi.rescue_instance(
                cctxt, inst, rescue_password,
                rescue_image_ref=rescue_image_ref))

    def unrescue(self, context, instance):
        return self._start_action(
            context, instance, 'unrescue',
            lambda cctxt, inst: self.compute_rpcapi.unrescue_instance(
                cctxt, inst))

    # Soft delete ----------------------------------------------------------

    def _soft_delete_applies(self, cctxt, instance):
        return (CONF.reclaim_instance_interval > 0 and instance.host and
                instance.vm_state != vm_states.SOFT_DELETED and
                instance.task_state is None and
                instance_states.allowed('soft_delete', instance.vm_state) and
                self._compute_is_up(cctxt, instance.host))

    def soft_delete(self, context, instance):
        return self._start_action(
            context, instance, 'soft_delete',
            lambda cctxt, inst: self.compute_rpcapi.soft_delete_instance(
                cctxt, inst))

    def restore(self, context, instance):
        return self._start_action(
            context, instance, 'restore',
            lambda cctxt, inst: self.compute_rpcapi.restore_instance(
                cctxt, inst))

    def force_delete(self, context, instance):
        """Delete a soft-deleted server now."""
        _cell, current = self._on_host(context, instance)
        instance_states.check('forceDelete', current)
        self.delete(context, current, force=True)

