"""HostMapping: which cell a compute host is in (API DB)."""

from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy import orm

from nova import exception, objects
from nova.db.api import api as api_db
from nova.db.api import models
from nova.objects import _db, base, fields


def _cell_from_row(context, row):
    if row is None:
        return None
    return objects.CellMapping._from_db_object(
        context, objects.CellMapping(), row)


@base.NovaObjectRegistry.register
class HostMapping(base.NovaTimestampObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(read_only=True),
        'host': fields.StringField(),
        'cell_mapping': fields.ObjectField('CellMapping'),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        _db.from_row(obj, row, ('id', 'host', 'created_at', 'updated_at'),
                     context)
        obj.cell_mapping = _cell_from_row(context, row.cell_mapping)
        obj.obj_reset_changes()
        return obj

    @base.remotable_classmethod
    def get_by_host(cls, context, host):
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(models.HostMapping).where(
                models.HostMapping.host == host)).first()
            if row is None:
                raise exception.HostMappingNotFound(name=host)
            return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        with api_db.context_manager.writer.using(self._context) as session:
            row = models.HostMapping(host=self.host,
                                     cell_id=self.cell_mapping.id,
                                     created_at=_db.utcnow())
            session.add(row)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        with api_db.context_manager.writer.using(self._context) as session:
            row = session.get(models.HostMapping, self.id)
            if row is None:
                raise exception.HostMappingNotFound(name=self.host)
            if 'cell_mapping' in self.obj_what_changed():
                row.cell_id = self.cell_mapping.id
            row.host = self.host
            row.updated_at = _db.utcnow()
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        with api_db.context_manager.writer.using(self._context) as session:
            count = session.execute(sa.delete(models.HostMapping).where(
                models.HostMapping.id == self.id)).rowcount
            if not count:
                raise exception.HostMappingNotFound(name=self.host)


@base.NovaObjectRegistry.register
class HostMappingList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('HostMapping')}

    @classmethod
    def _get(cls, context, where=None):
        with api_db.context_manager.reader.using(context) as session:
            query = sa.select(models.HostMapping).options(
                orm.joinedload(models.HostMapping.cell_mapping)).order_by(
                models.HostMapping.id)
            if where is not None:
                query = query.where(where)
            rows = session.scalars(query).unique().all()
            return base.obj_make_list(context, cls(context), rows)

    @base.remotable_classmethod
    def get_all(cls, context):
        return cls._get(context)

    @base.remotable_classmethod
    def get_by_cell_id(cls, context, cell_id):
        return cls._get(context, models.HostMapping.cell_id == cell_id)
