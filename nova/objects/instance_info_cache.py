"""InstanceInfoCache: the network info (VIF list) of an instance (cell DB)."""

from typing import ClassVar

import sqlalchemy as sa

from nova import exception
from nova.db.main import api as main_db
from nova.db.main import models
from nova.objects import _db, base, fields

_FIELDS = ('instance_uuid', 'network_info', 'created_at', 'updated_at',
           'deleted_at', 'deleted')


@base.NovaObjectRegistry.register
class InstanceInfoCache(base.NovaPersistentObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'instance_uuid': fields.UUIDField(),
        # JSON string of the VIF list (see the internals contract).
        'network_info': fields.StringField(nullable=True),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        _db.from_row(obj, row, _FIELDS, context)
        if obj.network_info is None:
            obj.network_info = '[]'
            obj.obj_reset_changes(['network_info'])
        return obj

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            row = session.scalars(sa.select(models.InstanceInfoCache).where(
                models.InstanceInfoCache.instance_uuid == instance_uuid)
            ).first()
            if row is None:
                raise exception.InstanceNotFound(instance_id=instance_uuid)
            return cls._from_db_object(context, cls(), row)

    @base.remotable
    def save(self):
        if 'network_info' not in self.obj_what_changed():
            return
        network_info = self.network_info
        if network_info is not None and not isinstance(network_info, str):
            network_info = str(network_info)
        now = _db.utcnow()
        with main_db.get_context_manager(self._context).writer.using(
                self._context) as session:
            row = session.scalars(sa.select(models.InstanceInfoCache).where(
                models.InstanceInfoCache.instance_uuid == self.instance_uuid)
            ).first()
            if row is None:
                row = models.InstanceInfoCache(
                    instance_uuid=self.instance_uuid, created_at=now,
                    deleted=0)
                session.add(row)
            row.network_info = network_info
            row.updated_at = now
            session.flush()
            self._from_db_object(self._context, self, row)
