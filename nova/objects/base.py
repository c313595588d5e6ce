"""The base of nova's versioned objects (oslo.versionedobjects).

Objects are the only code that reads or writes the databases. Methods
decorated ``@base.remotable`` / ``@base.remotable_classmethod`` run
through ``NovaObject.indirection_api`` when it is set: nova-compute sets
it to the conductor's RPC API, so it never opens a DB connection.
"""

import contextlib
import datetime
import typing

from oslo_utils import timeutils
from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import exception as ovo_exc
from oslo_versionedobjects import fields as ovo_fields

from nova.objects import fields

remotable = ovo_base.remotable
remotable_classmethod = ovo_base.remotable_classmethod
obj_make_list = ovo_base.obj_make_list


class NovaObjectRegistry(ovo_base.VersionedObjectRegistry):
    def registration_hook(self, cls, index):
        # Make the newest version of each object reachable as
        # nova.objects.<Name>, as the rest of the code refers to them.
        from nova import objects
        version = tuple(int(x) for x in cls.VERSION.split('.'))
        current = getattr(objects, cls.obj_name(), None)
        if current is None:
            setattr(objects, cls.obj_name(), cls)
        else:
            cur_version = tuple(int(x) for x in current.VERSION.split('.'))
            if version >= cur_version:
                setattr(objects, cls.obj_name(), cls)


class NovaObject(ovo_base.VersionedObject):
    OBJ_SERIAL_NAMESPACE = 'nova_object'
    OBJ_PROJECT_NAMESPACE = 'nova'

    def obj_reset_changes(self, fields=None, recursive=False):
        super().obj_reset_changes(fields=fields, recursive=recursive)

    @contextlib.contextmanager
    def obj_alternate_context(self, context):
        original = self._context
        self._context = context
        try:
            yield
        finally:
            self._context = original

    @staticmethod
    def _from_db_fields(obj, db_row, field_names, context=None):
        """Copy ``field_names`` from a DB row (model or dict) onto ``obj``."""
        for name in field_names:
            value = db_row[name] if isinstance(db_row, dict) else getattr(db_row, name)
            setattr(obj, name, value)
        if context is not None:
            obj._context = context
        obj.obj_reset_changes()
        return obj


class NovaPersistentObject:
    """Mixin for objects of tables with timestamps and soft delete."""
    fields: typing.ClassVar[dict] = {
        'created_at': ovo_fields.DateTimeField(nullable=True),
        'updated_at': ovo_fields.DateTimeField(nullable=True),
        'deleted_at': ovo_fields.DateTimeField(nullable=True),
        'deleted': ovo_fields.BooleanField(default=False),
    }


class NovaTimestampObject:
    """Mixin for objects of tables with timestamps and no soft delete."""
    fields: typing.ClassVar[dict] = {
        'created_at': ovo_fields.DateTimeField(nullable=True),
        'updated_at': ovo_fields.DateTimeField(nullable=True),
    }


class ObjectListBase(ovo_base.ObjectListBase):
    pass


class NovaObjectDictCompat(ovo_base.VersionedObjectDictCompat):
    pass


class NovaObjectSerializer(ovo_base.VersionedObjectSerializer):
    """Serializes nova objects (and plain values) across RPC."""
    OBJ_BASE_CLASS = NovaObject

    @property
    def conductor(self):
        from nova.conductor import rpcapi
        if not hasattr(self, '_conductor'):
            self._conductor = rpcapi.ConductorAPI()
        return self._conductor

    def _process_object(self, context, objprim):
        try:
            return super()._process_object(context, objprim)
        except ovo_exc.IncompatibleObjectVersion:
            # Ask the conductor to backport the object to what we know.
            objver = objprim['nova_object.version']
            objname = objprim['nova_object.name']
            version_manifest = ovo_base.obj_tree_get_versions(objname)
            if objname in version_manifest:
                objprim = self.conductor.object_backport_versions(
                    context, objprim, version_manifest)
                return super()._process_object(context, objprim)
            raise ovo_exc.IncompatibleObjectVersion(
                objname=objname, objver=objver, supported='?')


def obj_to_primitive(obj):
    """A plain (JSON-able) copy of an object or list of objects."""
    if isinstance(obj, ObjectListBase):
        return [obj_to_primitive(x) for x in obj]
    if isinstance(obj, NovaObject):
        result = {}
        for key in obj.obj_fields:
            if obj.obj_attr_is_set(key) or key in obj.obj_extra_fields:
                result[key] = obj_to_primitive(getattr(obj, key))
        return result
    if isinstance(obj, datetime.datetime):
        return timeutils.isotime(obj) if hasattr(timeutils, 'isotime') else obj.isoformat()
    return obj


__all__ = ['fields']
