"""InstanceAction and InstanceActionEvent: what was done to a server, by
whom, and how each step went (``/servers/{id}/os-instance-actions``)."""

import traceback as tb_module
from typing import ClassVar

import sqlalchemy as sa

from nova import exception
from nova.db.main import api as main_db
from nova.db.main import models
from nova.objects import _db, base, fields

_ACTION_FIELDS = ('id', 'action', 'instance_uuid', 'request_id', 'user_id',
                  'project_id', 'start_time', 'finish_time', 'message',
                  'created_at', 'updated_at', 'deleted_at', 'deleted')
_EVENT_FIELDS = ('id', 'event', 'action_id', 'start_time', 'finish_time',
                 'result', 'traceback', 'host', 'details', 'created_at',
                 'updated_at', 'deleted_at', 'deleted')
A = models.InstanceAction
E = models.InstanceActionEvent


def _writer(context):
    return main_db.get_context_manager(context).writer.using(context)


def _reader(context):
    return main_db.get_context_manager(context).reader.using(context)


def _latest_action(session, instance_uuid, request_id):
    return session.scalars(sa.select(A).where(
        A.instance_uuid == instance_uuid, A.request_id == request_id
    ).order_by(A.created_at.desc(), A.id.desc())).first()


@base.NovaObjectRegistry.register
class InstanceAction(base.NovaPersistentObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'action': fields.StringField(nullable=True),
        'instance_uuid': fields.UUIDField(nullable=True),
        'request_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'start_time': fields.DateTimeField(nullable=True),
        'finish_time': fields.DateTimeField(nullable=True),
        'message': fields.StringField(nullable=True),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        return _db.from_row(obj, row, _ACTION_FIELDS, context)

    @base.remotable_classmethod
    def get_by_request_id(cls, context, instance_uuid, request_id):
        with _reader(context) as session:
            row = _latest_action(session, instance_uuid, request_id)
            if row is None:
                raise exception.InstanceActionNotFound(
                    request_id=request_id, instance_uuid=instance_uuid)
            return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def action_start(cls, context, instance_uuid, action, want_result=True):
        now = _db.utcnow()
        with _writer(context) as session:
            row = A(action=action, instance_uuid=instance_uuid,
                    request_id=context.request_id, user_id=context.user_id,
                    project_id=context.project_id, start_time=now,
                    created_at=now, deleted=0)
            session.add(row)
            session.flush()
            if want_result:
                return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def action_finish(cls, context, instance_uuid, want_result=True):
        now = _db.utcnow()
        with _writer(context) as session:
            row = _latest_action(session, instance_uuid, context.request_id)
            if row is None:
                raise exception.InstanceActionNotFound(
                    request_id=context.request_id,
                    instance_uuid=instance_uuid)
            row.finish_time = now
            row.updated_at = now
            session.flush()
            if want_result:
                return cls._from_db_object(context, cls(), row)

    @base.remotable
    def finish(self):
        now = _db.utcnow()
        with _writer(self._context) as session:
            session.execute(sa.update(A).where(A.id == self.id).values(
                finish_time=now, updated_at=now))
        self.finish_time = now
        self.obj_reset_changes(['finish_time'])


@base.NovaObjectRegistry.register
class InstanceActionList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('InstanceAction')}

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid, limit=None,
                             marker=None, filters=None):
        """Newest first; ``marker`` is a request id; ``filters`` may
        hold ``changes-since`` / ``changes-before`` (on updated_at)."""
        filters = filters or {}
        with _reader(context) as session:
            query = sa.select(A).where(A.instance_uuid == instance_uuid)
            changed = sa.func.coalesce(A.updated_at, A.created_at)
            if filters.get('changes-since') is not None:
                query = query.where(
                    changed >= _db.naive(filters['changes-since']))
            if filters.get('changes-before') is not None:
                query = query.where(
                    changed <= _db.naive(filters['changes-before']))
            marker_row = None
            if marker is not None:
                marker_row = _latest_action(session, instance_uuid, marker)
                if marker_row is None:
                    raise exception.MarkerNotFound(marker=marker)
            query = _db.apply_sort_and_marker(
                query, A, ['created_at'], ['desc'], marker_row)
            if limit is not None:
                query = query.limit(int(limit))
            rows = session.scalars(query).all()
            return base.obj_make_list(context, cls(context), rows)


def _format_traceback(exc_tb):
    if exc_tb is None:
        return None
    if isinstance(exc_tb, str):
        return exc_tb
    return ''.join(tb_module.format_tb(exc_tb))


@base.NovaObjectRegistry.register
class InstanceActionEvent(base.NovaPersistentObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'event': fields.StringField(nullable=True),
        'action_id': fields.IntegerField(nullable=True),
        'start_time': fields.DateTimeField(nullable=True),
        'finish_time': fields.DateTimeField(nullable=True),
        'result': fields.StringField(nullable=True),
        'traceback': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
        'details': fields.StringField(nullable=True),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        return _db.from_row(obj, row, _EVENT_FIELDS, context)

    @classmethod
    def _action_of(cls, context, session, instance_uuid):
        action = _latest_action(session, instance_uuid, context.request_id)
        if action is None:
            raise exception.InstanceActionNotFound(
                request_id=context.request_id, instance_uuid=instance_uuid)
        return action

    @base.remotable_classmethod
    def event_start(cls, context, instance_uuid, event_name,
                    want_result=True, host=None):
        now = _db.utcnow()
        with _writer(context) as session:
            action = cls._action_of(context, session, instance_uuid)
            row = E(event=event_name, action_id=action.id, start_time=now,
                    host=host, created_at=now, deleted=0)
            session.add(row)
            action.updated_at = now
            session.flush()
            if want_result:
                return cls._from_db_object(context, cls(), row)

    @classmethod
    def _finish(cls, context, instance_uuid, event_name, result,
                traceback=None, details=None, want_result=True):
        now = _db.utcnow()
        with _writer(context) as session:
            action = cls._action_of(context, session, instance_uuid)
            row = session.scalars(sa.select(E).where(
                E.action_id == action.id, E.event == event_name).order_by(
                E.id.desc())).first()
            if row is None:
                raise exception.InstanceActionNotFound(
                    request_id=context.request_id,
                    instance_uuid=instance_uuid)
            row.finish_time = now
            row.updated_at = now
            row.result = result
            row.traceback = traceback
            row.details = details
            action.updated_at = now
            if result == 'Error':
                # The API reports a failed action through its message.
                action.message = 'Error'
            session.flush()
            if want_result:
                return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def event_finish(cls, context, instance_uuid, event_name,
                     want_result=True):
        return cls._finish(context, instance_uuid, event_name, 'Success',
                           want_result=want_result)

    @classmethod
    def event_finish_with_failure(cls, context, instance_uuid, event_name,
                                  exc_val=None, exc_tb=None,
                                  want_result=None):
        # Exceptions and tracebacks do not cross RPC: make them strings
        # here, on the caller's side.
        details = None
        if exc_val is not None:
            details = (exc_val.format_message()
                       if isinstance(exc_val, exception.NovaException)
                       else str(exc_val))
        return cls.event_finish_failure(
            context, instance_uuid, event_name, details,
            _format_traceback(exc_tb), want_result=bool(want_result))

    @base.remotable_classmethod
    def event_finish_failure(cls, context, instance_uuid, event_name,
                             details, traceback, want_result=False):
        return cls._finish(context, instance_uuid, event_name, 'Error',
                           traceback=traceback, details=details,
                           want_result=want_result)


@base.NovaObjectRegistry.register
class InstanceActionEventList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('InstanceActionEvent')}

    @base.remotable_classmethod
    def get_by_action(cls, context, action_id):
        with _reader(context) as session:
            rows = session.scalars(sa.select(E).where(
                E.action_id == action_id).order_by(
                E.created_at.desc(), E.id.desc())).all()
            return base.obj_make_list(context, cls(context), rows)
