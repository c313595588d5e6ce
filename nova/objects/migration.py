"""Migration: one move of an instance (resize, cold migration, ...).

A row of the cell DB's ``migrations`` table. Its ``uuid`` is also the
Placement consumer that holds the source host's allocation while the
move is in progress. Status flow of a resize or cold migration::

    pre-migrating -> migrating -> post-migrating -> finished
        -> confirming -> confirmed   |   -> reverting -> reverted
    (error at any step)
"""

from typing import ClassVar

import sqlalchemy as sa
from oslo_utils import uuidutils

from nova import exception
from nova.db.main import api as main_db
from nova.db.main import models
from nova.i18n import _
from nova.objects import _db, base, fields

_FIELDS = ('id', 'uuid', 'source_compute', 'dest_compute', 'source_node',
           'dest_node', 'dest_host', 'old_instance_type_id',
           'new_instance_type_id', 'instance_uuid', 'status',
           'migration_type', 'hidden', 'user_id', 'project_id',
           'created_at', 'updated_at', 'deleted_at', 'deleted') + \
    ('memory_total', 'memory_processed', 'memory_remaining', 'disk_total',
     'disk_processed', 'disk_remaining')

# A live migration's copy progress, in bytes (null: not reported).
PROGRESS_FIELDS = _FIELDS[-6:]

MIGRATION_TYPES = ('migration', 'resize', 'live-migration', 'evacuation')


class MigrationNotFound(exception.NotFound):
    msg_fmt = _('Migration %(migration_id)s could not be found.')


class MigrationNotFoundByStatus(exception.NotFound):
    msg_fmt = _('Instance %(instance_id)s has no migration in status '
                '%(status)s.')


@base.NovaObjectRegistry.register
class Migration(base.NovaPersistentObject, base.NovaObject):
    # 1.1: memory_* and disk_* progress of a live migration
    VERSION = '1.1'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'source_compute': fields.StringField(nullable=True),
        'dest_compute': fields.StringField(nullable=True),
        'source_node': fields.StringField(nullable=True),
        'dest_node': fields.StringField(nullable=True),
        'dest_host': fields.StringField(nullable=True),
        'old_instance_type_id': fields.IntegerField(nullable=True),
        'new_instance_type_id': fields.IntegerField(nullable=True),
        'instance_uuid': fields.StringField(nullable=True),
        'status': fields.StringField(nullable=True),
        'migration_type': fields.StringField(nullable=True),
        'hidden': fields.BooleanField(default=False),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        **{name: fields.IntegerField(nullable=True)
           for name in PROGRESS_FIELDS},
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        return _db.from_row(obj, row, _FIELDS, context)

    @staticmethod
    def _query(context, session, **where):
        M = models.Migration
        query = sa.select(M)
        if context.read_deleted == 'no':
            query = query.where(M.deleted == 0)
        for key, value in where.items():
            query = query.where(getattr(M, key) == value)
        return session.scalars(query.order_by(M.id.desc())).first()

    @base.remotable_classmethod
    def get_by_id(cls, context, migration_id):
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            row = cls._query(context, session, id=migration_id)
            if row is None:
                raise MigrationNotFound(migration_id=migration_id)
            return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def get_by_uuid(cls, context, migration_uuid):
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            row = cls._query(context, session, uuid=migration_uuid)
            if row is None:
                raise MigrationNotFound(migration_id=migration_uuid)
            return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def get_by_instance_and_status(cls, context, instance_uuid, status):
        """The newest migration of the instance in ``status``."""
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            row = cls._query(context, session, instance_uuid=instance_uuid,
                             status=status)
            if row is None:
                raise MigrationNotFoundByStatus(instance_id=instance_uuid,
                                                status=status)
            return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        if 'uuid' not in self:
            self.uuid = uuidutils.generate_uuid()
        values = _db.changed_values(self)
        now = _db.utcnow()
        values.setdefault('created_at', now)
        values['updated_at'] = now
        values['deleted'] = 0
        with main_db.get_context_manager(self._context).writer.using(
                self._context) as session:
            row = models.Migration(**values)
            session.add(row)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        values = _db.changed_values(self, skip=('id', 'created_at'))
        if not values:
            return
        values['updated_at'] = _db.utcnow()
        M = models.Migration
        with main_db.get_context_manager(self._context).writer.using(
                self._context) as session:
            session.execute(sa.update(M).where(M.id == self.id)
                            .values(**values))
            row = session.get(M, self.id)
            session.refresh(row)
            self._from_db_object(self._context, self, row)

    @property
    def is_resize(self):
        return self.migration_type == 'resize'


@base.NovaObjectRegistry.register
class MigrationList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {
        'objects': fields.ListOfObjectsField('Migration')}

    @base.remotable_classmethod
    def get_by_filters(cls, context, filters, limit=None, marker=None):
        """Migrations matching ``filters``: host (source or dest),
        source_compute, dest_compute, status (str or list),
        migration_type, instance_uuid, updated_before (datetime);
        newest first; ``marker`` is a migration uuid."""
        M = models.Migration
        filters = dict(filters or {})
        query = sa.select(M)
        if context.read_deleted == 'no':
            query = query.where(M.deleted == 0)
        host = filters.pop('host', None)
        if host:
            query = query.where(sa.or_(M.source_compute == host,
                                       M.dest_compute == host))
        status = filters.pop('status', None)
        if status:
            statuses = [status] if isinstance(status, str) else list(status)
            query = query.where(M.status.in_(statuses))
        before = filters.pop('updated_before', None)
        if before is not None:
            query = query.where(M.updated_at < _db.naive(before))
        for key in ('source_compute', 'dest_compute', 'migration_type',
                    'instance_uuid', 'hidden'):
            if filters.get(key) is not None:
                query = query.where(getattr(M, key) == filters[key])
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            if marker is not None:
                marker_row = session.scalars(
                    sa.select(M).where(M.uuid == marker)).first()
                if marker_row is None:
                    raise exception.MarkerNotFound(marker=marker)
                query = query.where(M.id < marker_row.id)
            query = query.order_by(M.id.desc())
            if limit is not None:
                query = query.limit(limit)
            rows = session.scalars(query).all()
            return base.obj_make_list(context, cls(context), rows)
