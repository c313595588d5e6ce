"""BuildRequest: an instance accepted by the API but not yet in a cell.

The Instance object is stored serialized in the row, so that the API can
show (and delete) a server before the conductor has created it.
"""

import re
from typing import ClassVar

import sqlalchemy as sa
from oslo_serialization import jsonutils

from nova import exception, objects
from nova.db.api import api as api_db
from nova.db.api import models
from nova.objects import _db, base, fields


@base.NovaObjectRegistry.register
class BuildRequest(base.NovaTimestampObject, base.NovaObject):
    # 1.1: attempt
    VERSION = '1.1'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        'project_id': fields.StringField(),
        'instance': fields.ObjectField('Instance'),
        'tags': fields.ListOfStringsField(default=[]),
        # The sending to the conductors this copy belongs to (0: the API's).
        'attempt': fields.IntegerField(default=0),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        _db.from_row(obj, row, ('id', 'instance_uuid', 'project_id',
                                'attempt', 'created_at', 'updated_at'),
                     context)
        instance = objects.Instance.obj_from_primitive(
            jsonutils.loads(row.instance))
        instance._context = context
        obj.instance = instance
        obj.tags = jsonutils.loads(row.tags) if row.tags else []
        obj.obj_reset_changes(recursive=True)
        return obj

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(models.BuildRequest).where(
                models.BuildRequest.instance_uuid == instance_uuid)).first()
            if row is None:
                raise exception.BuildRequestNotFound(uuid=instance_uuid)
            return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        if 'instance_uuid' not in self:
            self.instance_uuid = self.instance.uuid
        if 'project_id' not in self:
            self.project_id = self.instance.project_id
        tags = self.tags if 'tags' in self else []
        with api_db.context_manager.writer.using(self._context) as session:
            row = models.BuildRequest(
                instance_uuid=self.instance_uuid,
                project_id=self.project_id,
                instance=jsonutils.dumps(self.instance.obj_to_primitive()),
                tags=jsonutils.dumps(list(tags)),
                attempt=0,
                created_at=_db.utcnow())
            session.add(row)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        with api_db.context_manager.writer.using(self._context) as session:
            count = session.execute(sa.update(models.BuildRequest).where(
                models.BuildRequest.instance_uuid == self.instance_uuid
            ).values(
                instance=jsonutils.dumps(self.instance.obj_to_primitive()),
                tags=jsonutils.dumps(list(self.tags)),
                updated_at=_db.utcnow())).rowcount
            if not count:
                raise exception.BuildRequestNotFound(uuid=self.instance_uuid)
            self.obj_reset_changes(recursive=True)

    @base.remotable_classmethod
    def touch_all(cls, context, instance_uuids):
        """Set ``updated_at`` of these build requests to now (a conductor
        is working on them); those already gone are skipped."""
        if not instance_uuids:
            return
        with api_db.context_manager.writer.using(context) as session:
            session.execute(sa.update(models.BuildRequest).where(
                models.BuildRequest.instance_uuid.in_(list(instance_uuids))
            ).values(updated_at=_db.utcnow()))

    @base.remotable_classmethod
    def touch_current(cls, context, build_requests):
        """Touch those of ``build_requests`` whose attempt is still the live
        one (a conductor works on them); the set of their instance uuids.
        The others were re-sent after this copy was (a later attempt owns
        them) or deleted."""
        by_attempt = {}
        for build_request in build_requests:
            by_attempt.setdefault(build_request.attempt, []).append(
                build_request.instance_uuid)
        current = set()
        with api_db.context_manager.writer.using(context) as session:
            for attempt, uuids in by_attempt.items():
                where = (models.BuildRequest.instance_uuid.in_(uuids),
                         models.BuildRequest.attempt == attempt)
                count = session.execute(sa.update(models.BuildRequest).where(
                    *where).values(updated_at=_db.utcnow())).rowcount
                if count == len(uuids):
                    current.update(uuids)
                elif count:
                    current.update(session.scalars(sa.select(
                        models.BuildRequest.instance_uuid).where(*where)))
        return current

    @base.remotable
    def supersede_if_stale(self, cutoff):
        """Raise the attempt (and save the instance) if nothing touched the
        request since ``cutoff`` (naive UTC) and no one raised it
        meanwhile: from then on this copy is the only live one. False when
        a conductor is working on it, or it is gone."""
        table = models.BuildRequest
        last = sa.func.coalesce(table.updated_at, table.created_at)
        with api_db.context_manager.writer.using(self._context) as session:
            count = session.execute(sa.update(table).where(
                table.instance_uuid == self.instance_uuid,
                table.attempt == self.attempt,
                last <= cutoff,
            ).values(
                attempt=self.attempt + 1,
                instance=jsonutils.dumps(self.instance.obj_to_primitive()),
                updated_at=_db.utcnow())).rowcount
        if not count:
            return False
        self.attempt += 1
        self.obj_reset_changes(recursive=True)
        return True

    @base.remotable
    def destroy(self):
        # The conductor and a user's delete race on this row: whoever
        # comes second gets BuildRequestNotFound and knows it lost.
        with api_db.context_manager.writer.using(self._context) as session:
            count = session.execute(sa.delete(models.BuildRequest).where(
                models.BuildRequest.instance_uuid == self.instance_uuid)
            ).rowcount
            if not count:
                raise exception.BuildRequestNotFound(uuid=self.instance_uuid)

    def get_new_instance(self, context):
        """A fresh Instance with this request's values, to create in a
        cell."""
        instance = objects.Instance(context)
        for name in self.instance.obj_fields:
            if name in ('id',):
                continue
            if self.instance.obj_attr_is_set(name):
                setattr(instance, name, getattr(self.instance, name))
        return instance


def _matches(instance, filters):
    """Whether a not-yet-scheduled instance passes ``filters`` (the
    InstanceList.get_by_filters vocabulary)."""
    for key, value in filters.items():
        if value is None:
            continue
        if key == 'uuid':
            values = value if isinstance(value, (list, tuple, set)) \
                else [value]
            if instance.uuid not in values:
                return False
        elif key == 'name':
            if not re.search(value, instance.display_name or ''):
                return False
        elif key == 'deleted':
            if value:       # build requests are never deleted rows
                return False
        elif key in ('vm_state', 'task_state', 'project_id', 'user_id',
                     'image_ref', 'instance_type_id', 'host', 'node'):
            values = value if isinstance(value, (list, tuple, set)) \
                else [value]
            actual = getattr(instance, key, None) \
                if instance.obj_attr_is_set(key) else None
            if actual not in values:
                return False
        elif key in ('changes-since', 'changes-before'):
            # A build request has not changed since its creation.
            created = instance.created_at \
                if instance.obj_attr_is_set('created_at') else None
            if created is None:
                continue
            if key == 'changes-since' and created < value:
                return False
            if key == 'changes-before' and created > value:
                return False
        elif key == 'flavor':
            flavor = instance.flavor if instance.obj_attr_is_set('flavor') \
                else None
            if flavor is None or str(flavor.flavorid) != str(value):
                return False
    return True


@base.NovaObjectRegistry.register
class BuildRequestList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('BuildRequest')}

    @base.remotable_classmethod
    def get_all(cls, context):
        with api_db.context_manager.reader.using(context) as session:
            rows = session.scalars(sa.select(models.BuildRequest).order_by(
                models.BuildRequest.id)).all()
            return base.obj_make_list(context, cls(context), rows)

    @base.remotable_classmethod
    def get_by_filters(cls, context, filters, limit=None, marker=None,
                       sort_keys=None, sort_dirs=None):
        """Build requests matching ``filters``, sorted and paged.

        They are few and short-lived, and the instance is serialized, so
        filtering happens here rather than in SQL. ``MarkerNotFound``
        when ``marker`` is not a build request's instance uuid (the caller
        then looks for it in the cells).
        """
        if limit == 0:
            return cls(context, objects=[])
        filters = dict(filters or {})
        with api_db.context_manager.reader.using(context) as session:
            query = sa.select(models.BuildRequest)
            if filters.get('project_id'):
                query = query.where(models.BuildRequest.project_id ==
                                    filters['project_id'])
            rows = session.scalars(query).all()
        requests = [BuildRequest._from_db_object(context, BuildRequest(), r)
                    for r in rows]
        requests = [r for r in requests if _matches(r.instance, filters)]
        sort_keys = list(sort_keys or ['created_at'])
        sort_dirs = list(sort_dirs or ['desc'] * len(sort_keys))
        for key, direction in reversed(list(zip(sort_keys, sort_dirs))):
            def sort_value(req, key=key):
                value = getattr(req.instance, key, None) \
                    if req.instance.obj_attr_is_set(key) else None
                return (value is not None, value)
            requests.sort(key=sort_value, reverse=(direction == 'desc'))
        if marker is not None:
            uuids = [r.instance_uuid for r in requests]
            if marker not in uuids:
                raise exception.MarkerNotFound(marker=marker)
            requests = requests[uuids.index(marker) + 1:]
        if limit is not None:
            requests = requests[:int(limit)]
        return cls(context, objects=requests)
