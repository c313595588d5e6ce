"""InstanceMapping: which cell an instance lives in (API DB)."""

from typing import ClassVar

import sqlalchemy as sa

from nova import exception, objects
from nova.db.api import api as api_db
from nova.db.api import models
from nova.objects import _db, base, fields

_FIELDS = ('id', 'instance_uuid', 'project_id', 'user_id',
           'queued_for_delete', 'created_at', 'updated_at')


@base.NovaObjectRegistry.register
class InstanceMapping(base.NovaTimestampObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(read_only=True),
        'instance_uuid': fields.UUIDField(),
        'cell_mapping': fields.ObjectField('CellMapping', nullable=True),
        'project_id': fields.StringField(),
        'user_id': fields.StringField(nullable=True),
        'queued_for_delete': fields.BooleanField(default=False),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        _db.from_row(obj, row, _FIELDS, context)
        obj.queued_for_delete = bool(row.queued_for_delete)
        cell = row.cell_mapping
        obj.cell_mapping = (None if cell is None else
                            objects.CellMapping._from_db_object(
                                context, objects.CellMapping(), cell))
        obj.obj_reset_changes()
        return obj

    def _values(self):
        values = _db.changed_values(self, skip=('id', 'cell_mapping'))
        if 'cell_mapping' in self.obj_what_changed():
            values['cell_id'] = (self.cell_mapping.id
                                 if self.cell_mapping else None)
        return values

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(models.InstanceMapping).where(
                models.InstanceMapping.instance_uuid == instance_uuid)
            ).first()
            if row is None:
                raise exception.InstanceMappingNotFound(uuid=instance_uuid)
            return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        values = self._values()
        values.setdefault('created_at', _db.utcnow())
        values.setdefault('queued_for_delete', False)
        with api_db.context_manager.writer.using(self._context) as session:
            row = models.InstanceMapping(**values)
            session.add(row)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        values = self._values()
        values.pop('instance_uuid', None)
        values['updated_at'] = _db.utcnow()
        with api_db.context_manager.writer.using(self._context) as session:
            row = session.scalars(sa.select(models.InstanceMapping).where(
                models.InstanceMapping.instance_uuid == self.instance_uuid)
            ).first()
            if row is None:
                raise exception.InstanceMappingNotFound(
                    uuid=self.instance_uuid)
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            session.refresh(row)
            self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        with api_db.context_manager.writer.using(self._context) as session:
            count = session.execute(sa.delete(models.InstanceMapping).where(
                models.InstanceMapping.instance_uuid == self.instance_uuid)
            ).rowcount
            if not count:
                raise exception.InstanceMappingNotFound(
                    uuid=self.instance_uuid)


@base.NovaObjectRegistry.register
class InstanceMappingList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('InstanceMapping')}

    @classmethod
    def _get(cls, context, *where):
        with api_db.context_manager.reader.using(context) as session:
            rows = session.scalars(sa.select(models.InstanceMapping).where(
                *where).order_by(models.InstanceMapping.id)).all()
            return base.obj_make_list(context, cls(context), rows)

    @base.remotable_classmethod
    def get_by_project_id(cls, context, project_id):
        return cls._get(context,
                        models.InstanceMapping.project_id == project_id)

    @base.remotable_classmethod
    def get_by_instance_uuids(cls, context, uuids):
        return cls._get(context,
                        models.InstanceMapping.instance_uuid.in_(uuids))

    @base.remotable_classmethod
    def get_by_cell_id(cls, context, cell_id):
        return cls._get(context, models.InstanceMapping.cell_id == cell_id)
