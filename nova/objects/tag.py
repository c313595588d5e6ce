"""Tag and TagList: the tags of a server (``/servers/{id}/tags``, 2.26).

Each change is one transaction on the ``tags`` rows of one server, so
that two requests adding tags at once both land and the limit holds.
"""

from typing import ClassVar

import sqlalchemy as sa

from nova import exception
from nova.db.main import api as main_db
from nova.db.main import models
from nova.i18n import _
from nova.objects import base, fields

MAX_TAGS = 50
T = models.Tag


class TagNotFound(exception.NotFound):
    msg_fmt = _('Tag %(tag)s could not be found on server %(resource_id)s.')


class TooManyTags(exception.Invalid):
    msg_fmt = _('A server has at most %(limit)d tags; %(count)d were '
                'asked for.')


def _instance_exists(session, resource_id):
    if session.scalar(sa.select(models.Instance.id).where(
            models.Instance.uuid == resource_id,
            models.Instance.deleted == 0)) is None:
        raise exception.InstanceNotFound(instance_id=resource_id)


def _tags(session, resource_id):
    return list(session.scalars(sa.select(T.tag).where(
        T.resource_id == resource_id).order_by(T.tag)))


@base.NovaObjectRegistry.register
class Tag(base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'resource_id': fields.StringField(),
        'tag': fields.StringField(),
    }

    @base.remotable
    def create(self):
        """Add the tag (already there is fine); TooManyTags past 50."""
        with main_db.get_context_manager(self._context).writer.using(
                self._context) as session:
            _instance_exists(session, self.resource_id)
            current = _tags(session, self.resource_id)
            if self.tag in current:
                return
            if len(current) + 1 > MAX_TAGS:
                raise TooManyTags(limit=MAX_TAGS, count=len(current) + 1)
            session.add(T(resource_id=self.resource_id, tag=self.tag))

    @base.remotable_classmethod
    def exists(cls, context, resource_id, tag):
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            return session.scalar(sa.select(T.tag).where(
                T.resource_id == resource_id, T.tag == tag)) is not None

    @base.remotable_classmethod
    def destroy(cls, context, resource_id, tag):
        with main_db.get_context_manager(context).writer.using(
                context) as session:
            count = session.execute(sa.delete(T).where(
                T.resource_id == resource_id, T.tag == tag)).rowcount
            if not count:
                raise TagNotFound(resource_id=resource_id, tag=tag)


@base.NovaObjectRegistry.register
class TagList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('Tag')}

    @staticmethod
    def _make(context, resource_id, tags):
        result = TagList(context)
        result.objects = [Tag(context, resource_id=resource_id, tag=t)
                          for t in tags]
        result.obj_reset_changes()
        return result

    @base.remotable_classmethod
    def get_by_resource_id(cls, context, resource_id):
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            return cls._make(context, resource_id,
                             _tags(session, resource_id))

    @base.remotable_classmethod
    def create(cls, context, resource_id, tags):
        """Replace all tags of the server by ``tags``."""
        tags = sorted(set(tags))
        if len(tags) > MAX_TAGS:
            raise TooManyTags(limit=MAX_TAGS, count=len(tags))
        with main_db.get_context_manager(context).writer.using(
                context) as session:
            _instance_exists(session, resource_id)
            session.execute(sa.delete(T).where(T.resource_id == resource_id))
            for tag in tags:
                session.add(T(resource_id=resource_id, tag=tag))
        return cls._make(context, resource_id, tags)

    @base.remotable_classmethod
    def destroy(cls, context, resource_id):
        with main_db.get_context_manager(context).writer.using(
                context) as session:
            session.execute(sa.delete(T).where(T.resource_id == resource_id))
