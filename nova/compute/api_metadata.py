"""The compute API's server metadata and tags.

Mixed into :class:`nova.compute.api.API`. Metadata and tags change only
on a server that is on a host and has no task in progress (the state
table's ``update_metadata`` / ``update_tags`` rows); metadata also
respects the lock and the ``[quota] metadata_items`` limit (403 past it).
"""

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import instance_states, vm_states
from nova.i18n import _

CONF = nova.conf.CONF


class MetadataKeyNotFound(exception.NotFound):
    msg_fmt = _('Server %(instance_uuid)s has no metadata key %(key)s.')


class MetadataMixin:
    """Metadata and tags of :class:`nova.compute.api.API`."""

    def _cell_for_change(self, context, instance, action):
        cell, instance = self._on_host(context, instance)
        instance_states.check(action, instance)
        if cell is None:
            raise exception.InstanceInvalidState(
                method=f"'{action}'", instance_uuid=instance.uuid,
                attr='vm_state', state=vm_states.BUILDING)
        return cell, instance

    # Metadata ---------------------------------------------------------------

    def get_metadata(self, context, instance):
        return dict(instance.metadata or {})

    def update_metadata(self, context, instance, metadata, replace=False):
        """Merge ``metadata`` into the server's (or replace it all);
        returns the server's metadata afterwards."""
        self.check_lock(context, instance, 'update metadata')
        cell, instance = self._cell_for_change(context, instance,
                                               'update_metadata')
        new = {} if replace else dict(instance.metadata or {})
        new.update(metadata)
        self._check_metadata(new)
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            instance.metadata = new
            instance.save(expected_task_state=[None])
        return dict(new)

    def delete_metadata_item(self, context, instance, key):
        self.check_lock(context, instance, 'delete metadata')
        cell, instance = self._cell_for_change(context, instance,
                                               'update_metadata')
        new = dict(instance.metadata or {})
        if key not in new:
            raise MetadataKeyNotFound(instance_uuid=instance.uuid, key=key)
        del new[key]
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            instance.metadata = new
            instance.save(expected_task_state=[None])

    # Tags -----------------------------------------------------------------

    def _tag_cell(self, context, instance):
        return self._cell_for_change(context, instance, 'update_tags')[0]

    def get_tags(self, context, instance):
        return list(instance.tags or []) \
            if instance.obj_attr_is_set('tags') else []

    def has_tag(self, context, instance, tag):
        return tag in self.get_tags(context, instance)

    def add_tag(self, context, instance, tag):
        """Add ``tag``; True when it was new."""
        cell = self._tag_cell(context, instance)
        with nova_context.target_cell(context, cell) as cctxt:
            existed = objects.Tag.exists(cctxt, instance.uuid, tag)
            objects.Tag(cctxt, resource_id=instance.uuid, tag=tag).create()
        return not existed

    def replace_tags(self, context, instance, tags):
        cell = self._tag_cell(context, instance)
        with nova_context.target_cell(context, cell) as cctxt:
            result = objects.TagList.create(cctxt, instance.uuid, tags)
        return [t.tag for t in result]

    def delete_tag(self, context, instance, tag):
        cell = self._tag_cell(context, instance)
        with nova_context.target_cell(context, cell) as cctxt:
            objects.Tag.destroy(cctxt, instance.uuid, tag)

    def delete_all_tags(self, context, instance):
        cell = self._tag_cell(context, instance)
        with nova_context.target_cell(context, cell) as cctxt:
            objects.TagList.destroy(cctxt, instance.uuid)
