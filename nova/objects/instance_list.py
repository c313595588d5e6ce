"""InstanceList: the queries that list servers, all done in SQL."""

import datetime
from typing import ClassVar

import sqlalchemy as sa

from nova import exception
from nova.db.main import api as main_db
from nova.db.main import models
from nova.objects import _db, base, fields
from nova.objects import instance as instance_obj

I = models.Instance
# Filters whose value is matched exactly (a list matches any of its values).
_EXACT_FILTERS = ('project_id', 'user_id', 'vm_state', 'task_state', 'host',
                  'node', 'image_ref', 'instance_type_id', 'reservation_id',
                  'availability_zone', 'key_name', 'launched_on',
                  'power_state', 'locked', 'hostname', 'uuid')


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _exact(column, value):
    values = _as_list(value)
    clauses = []
    present = [v for v in values if v is not None]
    if present:
        clauses.append(column.in_(present))
    if None in values:
        clauses.append(column.is_(None))
    return sa.or_(*clauses) if clauses else sa.false()


def _naive_time(value):
    if isinstance(value, str):
        from oslo_utils import timeutils
        value = timeutils.parse_isotime(value)
    if isinstance(value, datetime.datetime):
        return _db.naive(value)
    return value


def _tags_clause(tags, match_all):
    tags = _as_list(tags)
    T = models.Tag
    if match_all:
        return I.uuid.in_(sa.select(T.resource_id).where(
            T.tag.in_(tags)).group_by(T.resource_id).having(
            sa.func.count(sa.distinct(T.tag)) == len(set(tags))))
    return I.uuid.in_(sa.select(T.resource_id).where(T.tag.in_(tags)))


def _filter_clauses(context, filters):
    """WHERE clauses for ``filters`` (the Compute API's list filters)."""
    filters = dict(filters or {})
    where = []
    if 'deleted' in filters:
        deleted = filters.pop('deleted')
        if isinstance(deleted, str):
            deleted = deleted.lower() in ('true', '1', 'yes')
        where.append(I.deleted != 0 if deleted else I.deleted == 0)
    elif 'changes-since' in filters or 'changes-before' in filters:
        pass    # a change may be a delete: include deleted servers
    else:
        where.append(instance_obj._deleted_clause(context))
    changed = sa.func.coalesce(I.updated_at, I.created_at)
    if filters.get('changes-since') is not None:
        where.append(changed >= _naive_time(filters.pop('changes-since')))
    if filters.get('changes-before') is not None:
        where.append(changed <= _naive_time(filters.pop('changes-before')))
    if filters.get('name') is not None:
        where.append(I.display_name.regexp_match(filters.pop('name')))
    if filters.get('flavor') is not None:
        where.append(I.instance_type_id == filters.pop('flavor'))
    for key, match_all, negate in (('tags', True, False),
                                   ('tags-any', False, False),
                                   ('not-tags', True, True),
                                   ('not-tags-any', False, True)):
        if filters.get(key):
            clause = _tags_clause(filters.pop(key), match_all)
            where.append(sa.not_(clause) if negate else clause)
    for key in _EXACT_FILTERS:
        if key in filters:
            where.append(_exact(getattr(I, key), filters.pop(key)))
    return where


@base.NovaObjectRegistry.register
class InstanceList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('Instance')}

    @classmethod
    def _make(cls, context, session, rows, expected_attrs):
        attrs = list(expected_attrs or [])
        extras = instance_obj._load_extras(
            context, session, [r.uuid for r in rows], attrs)
        return base.obj_make_list(context, cls(context), rows,
                                  expected_attrs=attrs, extras=extras)

    @base.remotable_classmethod
    def get_by_filters(cls, context, filters, sort_key='created_at',
                       sort_dir='desc', limit=None, marker=None,
                       expected_attrs=None, use_slave=False,
                       sort_keys=None, sort_dirs=None):
        if sort_keys is None:
            sort_keys = [sort_key]
            sort_dirs = [sort_dir]
        elif not sort_dirs:
            sort_dirs = ['desc'] * len(sort_keys)
        elif len(sort_dirs) != len(sort_keys):
            raise exception.InvalidInput(
                reason='sort_keys and sort_dirs must have the same length')
        if limit == 0:
            return cls(context, objects=[])
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            query = sa.select(I).where(*_filter_clauses(context, filters))
            marker_row = None
            if marker is not None:
                marker_row = session.scalars(sa.select(I).where(
                    I.uuid == marker)).first()
                if marker_row is None:
                    raise exception.MarkerNotFound(marker=marker)
            query = _db.apply_sort_and_marker(query, I, sort_keys,
                                              sort_dirs, marker_row)
            if limit is not None:
                query = query.limit(int(limit))
            rows = session.scalars(query).all()
            return cls._make(context, session, rows, expected_attrs)

    @base.remotable_classmethod
    def get_by_host(cls, context, host, expected_attrs=None,
                    use_slave=False):
        return cls.get_by_filters(context, {'host': host, 'deleted': False},
                                  sort_key='id', sort_dir='asc',
                                  expected_attrs=expected_attrs)

    @base.remotable_classmethod
    def get_by_host_and_node(cls, context, host, node, expected_attrs=None):
        return cls.get_by_filters(context, {'host': host, 'node': node,
                                            'deleted': False},
                                  sort_key='id', sort_dir='asc',
                                  expected_attrs=expected_attrs)

    @base.remotable_classmethod
    def get_uuids_by_host(cls, context, host):
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            return list(session.scalars(sa.select(I.uuid).where(
                I.host == host, I.deleted == 0)))

    @base.remotable_classmethod
    def get_counts(cls, context, project_id, user_id=None,
                   exclude_uuids=None):
        """Usage of live instances: {'project': {'instances', 'cores',
        'ram'}, 'user': {...}} (user only when ``user_id`` is given).

        ``exclude_uuids``: instances counted elsewhere (those whose build
        request still exists), so none is counted twice.
        """
        excluded = ([I.uuid.not_in(list(exclude_uuids))]
                    if exclude_uuids else [])

        def count(session, *where):
            row = session.execute(sa.select(
                sa.func.count(I.id), sa.func.coalesce(sa.func.sum(I.vcpus), 0),
                sa.func.coalesce(sa.func.sum(I.memory_mb), 0)).where(
                I.deleted == 0, *excluded, *where)).one()
            return {'instances': int(row[0]), 'cores': int(row[1]),
                    'ram': int(row[2])}

        with main_db.get_context_manager(context).reader.using(
                context) as session:
            result = {'project': count(session, I.project_id == project_id)}
            if user_id:
                result['user'] = count(session, I.project_id == project_id,
                                       I.user_id == user_id)
            return result

    @base.remotable_classmethod
    def get_active_by_window_joined(cls, context, begin, end=None,
                                    project_id=None, expected_attrs=None):
        """Instances, deleted ones too, that ran at some time between
        ``begin`` and ``end``: launched before ``end`` and not ended
        (terminated, or else deleted) before ``begin``; oldest first."""
        ended = sa.func.coalesce(I.terminated_at, I.deleted_at)
        where = [sa.or_(ended.is_(None), ended > _naive_time(begin))]
        if end is not None:
            where.append(I.launched_at < _naive_time(end))
        if project_id is not None:
            where.append(I.project_id == project_id)
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            rows = session.scalars(sa.select(I).where(*where).order_by(
                I.created_at, I.uuid)).all()
            return cls._make(context, session, rows, expected_attrs)
