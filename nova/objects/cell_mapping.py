"""CellMapping: where a cell's DB and message bus are (API DB)."""

from typing import ClassVar

import sqlalchemy as sa
from oslo_log import log as logging

from nova import exception
from nova.db.api import api as api_db
from nova.db.api import models
from nova.objects import _db, base, fields

LOG = logging.getLogger(__name__)

_FIELDS = ('id', 'uuid', 'name', 'transport_url', 'database_connection',
           'disabled', 'created_at', 'updated_at')


@base.NovaObjectRegistry.register
class CellMapping(base.NovaTimestampObject, base.NovaObject):
    VERSION = '1.0'
    CELL0_UUID = '00000000-0000-0000-0000-000000000000'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(nullable=True),
        'transport_url': fields.SecretURLField(nullable=True),
        'database_connection': fields.SecretURLField(nullable=True),
        'disabled': fields.BooleanField(default=False),
    }

    @property
    def identity(self):
        if 'name' in self and self.name:
            return f'{self.uuid}({self.name})'
        return self.uuid

    def is_cell0(self):
        return 'uuid' in self and self.uuid == self.CELL0_UUID

    @staticmethod
    def _from_db_object(context, obj, row):
        return _db.from_row(obj, row, _FIELDS, context)

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid):
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(models.CellMapping).where(
                models.CellMapping.uuid == uuid)).first()
            if row is None:
                raise exception.CellMappingNotFound(uuid=uuid)
            return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def get_by_name(cls, context, name):
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(models.CellMapping).where(
                models.CellMapping.name == name)).first()
            if row is None:
                raise exception.CellMappingNotFound(uuid=name)
            return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        values = _db.changed_values(self)
        values.setdefault('created_at', _db.utcnow())
        with api_db.context_manager.writer.using(self._context) as session:
            row = models.CellMapping(**values)
            session.add(row)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        values = _db.changed_values(self, skip=('id', 'uuid'))
        values['updated_at'] = _db.utcnow()
        with api_db.context_manager.writer.using(self._context) as session:
            row = session.scalars(sa.select(models.CellMapping).where(
                models.CellMapping.uuid == self.uuid)).first()
            if row is None:
                raise exception.CellMappingNotFound(uuid=self.uuid)
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        with api_db.context_manager.writer.using(self._context) as session:
            count = session.execute(sa.delete(models.CellMapping).where(
                models.CellMapping.uuid == self.uuid)).rowcount
            if not count:
                raise exception.CellMappingNotFound(uuid=self.uuid)


@base.NovaObjectRegistry.register
class CellMappingList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('CellMapping')}

    @base.remotable_classmethod
    def get_all(cls, context):
        with api_db.context_manager.reader.using(context) as session:
            rows = session.scalars(sa.select(models.CellMapping).order_by(
                models.CellMapping.id)).all()
            return base.obj_make_list(context, cls(context), rows)

    @classmethod
    def get_by_disabled(cls, context, disabled):
        cells = cls.get_all(context)
        return cls(context, objects=[c for c in cells
                                     if c.disabled == disabled])
