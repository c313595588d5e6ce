"""InstanceFault: why an instance went wrong, as the API shows it."""

from typing import ClassVar

import sqlalchemy as sa

from nova import exception
from nova.db.main import api as main_db
from nova.db.main import models
from nova.objects import _db, base, fields

_FIELDS = ('id', 'instance_uuid', 'code', 'message', 'details', 'host',
           'created_at', 'updated_at', 'deleted_at', 'deleted')
# The column's size; a longer message is cut rather than refused.
MESSAGE_MAX = 255


@base.NovaObjectRegistry.register
class InstanceFault(base.NovaPersistentObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        'code': fields.IntegerField(),
        'message': fields.StringField(nullable=True),
        'details': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        return _db.from_row(obj, row, _FIELDS, context)

    @base.remotable_classmethod
    def get_latest_for_instance(cls, context, instance_uuid):
        faults = InstanceFaultList.get_latest_by_instance_uuids(
            context, [instance_uuid])
        return faults[0] if faults else None

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        values = _db.changed_values(self)
        if values.get('message'):
            values['message'] = values['message'][:MESSAGE_MAX]
        values.setdefault('created_at', _db.utcnow())
        values['deleted'] = 0
        with main_db.get_context_manager(self._context).writer.using(
                self._context) as session:
            row = models.InstanceFault(**values)
            session.add(row)
            session.flush()
            self._from_db_object(self._context, self, row)


@base.NovaObjectRegistry.register
class InstanceFaultList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('InstanceFault')}

    @base.remotable_classmethod
    def get_by_instance_uuids(cls, context, instance_uuids):
        """All faults of the instances, newest first."""
        F = models.InstanceFault
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            rows = session.scalars(sa.select(F).where(
                F.instance_uuid.in_(list(instance_uuids))).order_by(
                F.created_at.desc(), F.id.desc())).all()
            return base.obj_make_list(context, cls(context), rows)

    @base.remotable_classmethod
    def get_latest_by_instance_uuids(cls, context, instance_uuids):
        """The newest fault of each instance that has one."""
        F = models.InstanceFault
        newest = sa.select(sa.func.max(F.id)).where(
            F.instance_uuid.in_(list(instance_uuids))).group_by(
            F.instance_uuid)
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            rows = session.scalars(sa.select(F).where(F.id.in_(newest))
                                   ).all()
            return base.obj_make_list(context, cls(context), rows)
