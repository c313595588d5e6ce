"""Aggregate: a named group of compute hosts with metadata (API DB).

An aggregate whose metadata has ``availability_zone`` puts its hosts in
that zone. The tables keep no soft-deleted rows: a deleted aggregate is
gone, so ``deleted`` is always False and ``deleted_at`` None.
"""

from typing import ClassVar

import sqlalchemy as sa
from oslo_db import exception as db_exc

from nova import exception
from nova.db.api import api as api_db
from nova.db.api import models
from nova.i18n import _
from nova.objects import _db, base, fields

AZ_KEY = 'availability_zone'
A = models.Aggregate
AH = models.AggregateHost
AM = models.AggregateMetadata


class AggregateNotFound(exception.NotFound):
    msg_fmt = _('Aggregate %(aggregate_id)s could not be found.')


class AggregateNameExists(exception.Conflict):
    msg_fmt = _('Aggregate %(aggregate_name)s already exists.')


class AggregateHostExists(exception.Conflict):
    msg_fmt = _('Aggregate %(aggregate_id)s already has host %(host)s.')


class AggregateHostNotFound(exception.NotFound):
    msg_fmt = _('Aggregate %(aggregate_id)s has no host %(host)s.')


def _hosts_and_metadata(session, ids):
    hosts = {i: [] for i in ids}
    metadata = {i: {} for i in ids}
    if ids:
        for row in session.scalars(sa.select(AH).where(
                AH.aggregate_id.in_(ids)).order_by(AH.id)):
            hosts[row.aggregate_id].append(row.host)
        for row in session.scalars(sa.select(AM).where(
                AM.aggregate_id.in_(ids))):
            metadata[row.aggregate_id][row.key] = row.value
    return hosts, metadata


def _make(context, session, rows, cls=None):
    hosts, metadata = _hosts_and_metadata(session, [r.id for r in rows])
    result = []
    for row in rows:
        agg = Aggregate()
        _db.from_row(agg, row, ('id', 'uuid', 'name', 'created_at',
                                'updated_at'), context)
        agg.hosts = hosts[row.id]
        agg.metadata = metadata[row.id]
        agg.deleted = False
        agg.deleted_at = None
        agg.obj_reset_changes()
        result.append(agg)
    return result


@base.NovaObjectRegistry.register
class Aggregate(base.NovaPersistentObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(),
        'hosts': fields.ListOfStringsField(nullable=True, default=[]),
        'metadata': fields.DictOfStringsField(nullable=True, default={}),
    }
    obj_extra_fields: ClassVar[list] = ['availability_zone']

    @property
    def availability_zone(self):
        return (self.metadata or {}).get(AZ_KEY)

    def _refresh_from(self, other):
        for name in other.obj_fields:
            if other.obj_attr_is_set(name):
                setattr(self, name, getattr(other, name))
        self.obj_reset_changes()

    @classmethod
    def _get(cls, context, where, not_found):
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(A).where(where)).first()
            if row is None:
                raise AggregateNotFound(aggregate_id=not_found)
            return _make(context, session, [row])[0]

    @base.remotable_classmethod
    def get_by_id(cls, context, aggregate_id):
        return cls._get(context, A.id == aggregate_id, aggregate_id)

    @base.remotable_classmethod
    def get_by_uuid(cls, context, aggregate_uuid):
        return cls._get(context, A.uuid == aggregate_uuid, aggregate_uuid)

    @staticmethod
    def _check_name(session, name, own_id=None):
        where = [A.name == name]
        if own_id is not None:
            where.append(A.id != own_id)
        if session.scalar(sa.select(A.id).where(*where)) is not None:
            raise AggregateNameExists(aggregate_name=name)

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        if 'uuid' not in self:
            self.uuid = _db.generate_uuid()
        metadata = dict(self.metadata) if 'metadata' in self else {}
        with api_db.context_manager.writer.using(self._context) as session:
            self._check_name(session, self.name)
            row = A(uuid=self.uuid, name=self.name, created_at=_db.utcnow())
            session.add(row)
            try:
                session.flush()
            except db_exc.DBDuplicateEntry:
                raise AggregateNameExists(aggregate_name=self.name)
            for key, value in metadata.items():
                session.add(AM(aggregate_id=row.id, key=key, value=value,
                               created_at=_db.utcnow()))
            session.flush()
            self._refresh_from(_make(self._context, session, [row])[0])

    @base.remotable
    def save(self):
        """Save a changed name (hosts and metadata have their own calls)."""
        changes = self.obj_what_changed() & {'name'}
        if not changes:
            return
        with api_db.context_manager.writer.using(self._context) as session:
            row = session.get(A, self.id)
            if row is None:
                raise AggregateNotFound(aggregate_id=self.id)
            self._check_name(session, self.name, own_id=self.id)
            row.name = self.name
            row.updated_at = _db.utcnow()
            try:
                session.flush()
            except db_exc.DBDuplicateEntry:
                raise AggregateNameExists(aggregate_name=self.name)
            self._refresh_from(_make(self._context, session, [row])[0])

    @base.remotable
    def update_metadata(self, updates):
        """Set metadata keys; a None value removes the key."""
        with api_db.context_manager.writer.using(self._context) as session:
            row = session.get(A, self.id)
            if row is None:
                raise AggregateNotFound(aggregate_id=self.id)
            now = _db.utcnow()
            for key, value in updates.items():
                existing = session.scalars(sa.select(AM).where(
                    AM.aggregate_id == self.id, AM.key == key)).first()
                if value is None:
                    if existing is not None:
                        session.delete(existing)
                elif existing is None:
                    session.add(AM(aggregate_id=self.id, key=key,
                                   value=value, created_at=now))
                else:
                    existing.value = value
                    existing.updated_at = now
            row.updated_at = now
            session.flush()
            self._refresh_from(_make(self._context, session, [row])[0])

    @base.remotable
    def add_host(self, host):
        with api_db.context_manager.writer.using(self._context) as session:
            row = session.get(A, self.id)
            if row is None:
                raise AggregateNotFound(aggregate_id=self.id)
            if session.scalar(sa.select(AH.id).where(
                    AH.aggregate_id == self.id, AH.host == host)):
                raise AggregateHostExists(aggregate_id=self.id, host=host)
            session.add(AH(aggregate_id=self.id, host=host,
                           created_at=_db.utcnow()))
            try:
                session.flush()
            except db_exc.DBDuplicateEntry:
                raise AggregateHostExists(aggregate_id=self.id, host=host)
            self._refresh_from(_make(self._context, session, [row])[0])

    @base.remotable
    def delete_host(self, host):
        with api_db.context_manager.writer.using(self._context) as session:
            row = session.get(A, self.id)
            if row is None:
                raise AggregateNotFound(aggregate_id=self.id)
            count = session.execute(sa.delete(AH).where(
                AH.aggregate_id == self.id, AH.host == host)).rowcount
            if not count:
                raise AggregateHostNotFound(aggregate_id=self.id, host=host)
            self._refresh_from(_make(self._context, session, [row])[0])

    @base.remotable
    def destroy(self):
        with api_db.context_manager.writer.using(self._context) as session:
            session.execute(sa.delete(AM).where(AM.aggregate_id == self.id))
            session.execute(sa.delete(AH).where(AH.aggregate_id == self.id))
            count = session.execute(sa.delete(A).where(
                A.id == self.id)).rowcount
            if not count:
                raise AggregateNotFound(aggregate_id=self.id)


@base.NovaObjectRegistry.register
class AggregateList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {
        'objects': fields.ListOfObjectsField('Aggregate')}

    @classmethod
    def _get(cls, context, *where):
        with api_db.context_manager.reader.using(context) as session:
            rows = session.scalars(sa.select(A).where(*where).order_by(
                A.id)).all()
            result = cls(context, objects=_make(context, session, rows))
            result.obj_reset_changes()
            return result

    @base.remotable_classmethod
    def get_all(cls, context):
        return cls._get(context)

    @base.remotable_classmethod
    def get_by_host(cls, context, host, key=None):
        """Aggregates holding ``host`` (that have metadata ``key``)."""
        where = [A.id.in_(sa.select(AH.aggregate_id).where(AH.host == host))]
        if key is not None:
            where.append(A.id.in_(sa.select(AM.aggregate_id).where(
                AM.key == key)))
        return cls._get(context, *where)

    @base.remotable_classmethod
    def get_by_metadata_key(cls, context, key, hosts=None):
        """Aggregates with metadata ``key`` (holding one of ``hosts``)."""
        where = [A.id.in_(sa.select(AM.aggregate_id).where(AM.key == key))]
        if hosts is not None:
            where.append(A.id.in_(sa.select(AH.aggregate_id).where(
                AH.host.in_(list(hosts)))))
        return cls._get(context, *where)
