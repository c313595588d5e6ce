"""Quota limits stored in the API DB: per quota class, per project and per
user of a project. Only the overrides are stored; ``nova.quota`` fills in
the defaults and counts usage."""

from typing import ClassVar

import sqlalchemy as sa

from nova.db.api import api as api_db
from nova.db.api import models
from nova.objects import _db, base

Q = models.Quota
PUQ = models.ProjectUserQuota
QC = models.QuotaClass


def _upsert(session, model, where, values, hard_limit):
    row = session.scalars(sa.select(model).where(*where)).first()
    now = _db.utcnow()
    if row is None:
        session.add(model(hard_limit=hard_limit, created_at=now, **values))
    else:
        row.hard_limit = hard_limit
        row.updated_at = now


@base.NovaObjectRegistry.register
class Quotas(base.NovaObject):
    """No state of its own: classmethods over the three quota tables."""
    VERSION = '1.0'
    fields: ClassVar[dict] = {}

    @base.remotable_classmethod
    def get_class_limits(cls, context, class_name):
        with api_db.context_manager.reader.using(context) as session:
            return {r.resource: r.hard_limit for r in session.scalars(
                sa.select(QC).where(QC.class_name == class_name))}

    @base.remotable_classmethod
    def get_project_limits(cls, context, project_id):
        with api_db.context_manager.reader.using(context) as session:
            return {r.resource: r.hard_limit for r in session.scalars(
                sa.select(Q).where(Q.project_id == project_id))}

    @base.remotable_classmethod
    def get_user_limits(cls, context, project_id, user_id):
        with api_db.context_manager.reader.using(context) as session:
            return {r.resource: r.hard_limit for r in session.scalars(
                sa.select(PUQ).where(PUQ.project_id == project_id,
                                     PUQ.user_id == user_id))}

    @base.remotable_classmethod
    def set_class_limits(cls, context, class_name, limits):
        with api_db.context_manager.writer.using(context) as session:
            for resource, limit in limits.items():
                _upsert(session, QC, [QC.class_name == class_name,
                                      QC.resource == resource],
                        {'class_name': class_name, 'resource': resource},
                        limit)

    @base.remotable_classmethod
    def set_project_limits(cls, context, project_id, limits):
        with api_db.context_manager.writer.using(context) as session:
            for resource, limit in limits.items():
                _upsert(session, Q, [Q.project_id == project_id,
                                     Q.resource == resource],
                        {'project_id': project_id, 'resource': resource},
                        limit)

    @base.remotable_classmethod
    def set_user_limits(cls, context, project_id, user_id, limits):
        with api_db.context_manager.writer.using(context) as session:
            for resource, limit in limits.items():
                _upsert(session, PUQ, [PUQ.project_id == project_id,
                                       PUQ.user_id == user_id,
                                       PUQ.resource == resource],
                        {'project_id': project_id, 'user_id': user_id,
                         'resource': resource}, limit)

    @base.remotable_classmethod
    def destroy_all_by_project(cls, context, project_id):
        """Forget the project's overrides and those of all its users."""
        with api_db.context_manager.writer.using(context) as session:
            session.execute(sa.delete(Q).where(Q.project_id == project_id))
            session.execute(sa.delete(PUQ).where(
                PUQ.project_id == project_id))

    @base.remotable_classmethod
    def destroy_all_by_project_and_user(cls, context, project_id, user_id):
        with api_db.context_manager.writer.using(context) as session:
            session.execute(sa.delete(PUQ).where(
                PUQ.project_id == project_id, PUQ.user_id == user_id))

    @base.remotable_classmethod
    def count_server_groups(cls, context, project_id, user_id=None):
        G = models.InstanceGroup
        where = [G.project_id == project_id]
        if user_id is not None:
            where.append(G.user_id == user_id)
        with api_db.context_manager.reader.using(context) as session:
            return session.scalar(sa.select(sa.func.count(G.id)).where(
                *where))

    @base.remotable_classmethod
    def count_key_pairs(cls, context, user_id):
        with api_db.context_manager.reader.using(context) as session:
            return session.scalar(sa.select(sa.func.count(
                models.KeyPair.id)).where(models.KeyPair.user_id == user_id))
