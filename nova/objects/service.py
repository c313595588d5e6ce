"""Service: one running nova daemon on a host (cell DB ``services``)."""

from typing import ClassVar

import sqlalchemy as sa
from oslo_db import exception as db_exc

from nova import exception
from nova.db.main import api as main_db
from nova.db.main import models
from nova.objects import _db, base, fields

# Bumped when a service's RPC/object behaviour changes in a way others
# must know about (rolling upgrades compare it).
SERVICE_VERSION = 1
S = models.Service
_FIELDS = ('id', 'uuid', 'host', 'binary', 'topic', 'report_count',
           'disabled', 'disabled_reason', 'last_seen_up', 'forced_down',
           'version', 'created_at', 'updated_at', 'deleted_at', 'deleted')


def _reader(context):
    return main_db.get_context_manager(context).reader.using(context)


def _writer(context):
    return main_db.get_context_manager(context).writer.using(context)


@base.NovaObjectRegistry.register
class Service(base.NovaPersistentObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'host': fields.StringField(nullable=True),
        'binary': fields.StringField(nullable=True),
        'topic': fields.StringField(nullable=True),
        'report_count': fields.IntegerField(default=0),
        'disabled': fields.BooleanField(default=False),
        'disabled_reason': fields.StringField(nullable=True),
        'last_seen_up': fields.DateTimeField(nullable=True),
        'forced_down': fields.BooleanField(default=False),
        'version': fields.IntegerField(default=SERVICE_VERSION),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        _db.from_row(obj, row, _FIELDS, context)
        obj.disabled = bool(row.disabled)
        obj.forced_down = bool(row.forced_down)
        obj.obj_reset_changes()
        return obj

    @classmethod
    def _get(cls, context, *where, not_found):
        with _reader(context) as session:
            row = session.scalars(sa.select(S).where(
                S.deleted == 0, *where).order_by(S.id)).first()
            if row is None:
                raise not_found
            return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def get_by_id(cls, context, service_id):
        return cls._get(context, S.id == service_id,
                        not_found=exception.ServiceNotFound(
                            service_id=service_id))

    @base.remotable_classmethod
    def get_by_uuid(cls, context, service_uuid):
        return cls._get(context, S.uuid == service_uuid,
                        not_found=exception.ServiceNotFound(
                            service_id=service_uuid))

    @base.remotable_classmethod
    def get_by_host_and_binary(cls, context, host, binary):
        return cls._get(context, S.host == host, S.binary == binary,
                        not_found=exception.ServiceNotFound(
                            service_id=f'{binary} on {host}'))

    @base.remotable_classmethod
    def get_by_host_and_topic(cls, context, host, topic):
        return cls._get(context, S.host == host, S.topic == topic,
                        not_found=exception.ServiceNotFound(
                            service_id=f'{topic} on {host}'))

    @base.remotable_classmethod
    def get_by_compute_host(cls, context, host):
        try:
            return cls.get_by_host_and_binary(context, host, 'nova-compute')
        except exception.ServiceNotFound:
            raise exception.ComputeHostNotFound(host=host)

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        if 'uuid' not in self:
            self.uuid = _db.generate_uuid()
        if 'version' not in self:
            self.version = SERVICE_VERSION
        values = _db.changed_values(self)
        values.setdefault('created_at', _db.utcnow())
        values['deleted'] = 0
        with _writer(self._context) as session:
            if session.scalar(sa.select(S.id).where(
                    S.host == self.host, S.binary == self.binary,
                    S.deleted == 0)) is not None:
                raise exception.Conflict(
                    reason=f'Service {self.binary} on host {self.host} already exists')
            row = S(**values)
            session.add(row)
            try:
                session.flush()
            except db_exc.DBDuplicateEntry:
                raise exception.Conflict(
                    reason=f'A service with topic {self.topic} already runs on host '
                           f'{self.host}')
            self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        values = _db.changed_values(self, skip=('id', 'deleted'))
        if not values:
            return
        values['updated_at'] = _db.utcnow()
        with _writer(self._context) as session:
            row = session.get(S, self.id)
            if row is None or row.deleted:
                raise exception.ServiceNotFound(service_id=self.id)
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        """Soft-delete the service and its compute nodes."""
        now = _db.utcnow()
        with _writer(self._context) as session:
            count = session.execute(sa.update(S).where(
                S.id == self.id, S.deleted == 0).values(
                deleted=S.id, deleted_at=now)).rowcount
            if not count:
                raise exception.ServiceNotFound(service_id=self.id)
            CN = models.ComputeNode
            session.execute(sa.update(CN).where(
                CN.service_id == self.id, CN.deleted == 0).values(
                deleted=CN.id, deleted_at=now))
        self.deleted = True
        self.deleted_at = now
        self.obj_reset_changes(['deleted', 'deleted_at'])


@base.NovaObjectRegistry.register
class ServiceList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('Service')}

    @classmethod
    def _get(cls, context, *where):
        with _reader(context) as session:
            rows = session.scalars(sa.select(S).where(
                S.deleted == 0, *where).order_by(S.id)).all()
            return base.obj_make_list(context, cls(context), rows)

    @base.remotable_classmethod
    def get_all(cls, context, disabled=None, set_zones=False):
        where = []
        if disabled is not None:
            where.append(S.disabled == disabled)
        return cls._get(context, *where)

    @base.remotable_classmethod
    def get_by_binary(cls, context, binary, include_disabled=True):
        where = [S.binary == binary]
        if not include_disabled:
            where.append(S.disabled == False)
        return cls._get(context, *where)

    @base.remotable_classmethod
    def get_by_topic(cls, context, topic):
        return cls._get(context, S.topic == topic)

    @base.remotable_classmethod
    def get_by_host(cls, context, host):
        return cls._get(context, S.host == host)
