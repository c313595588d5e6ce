"""Helpers the object modules share to move values to and from rows."""

import datetime

import sqlalchemy as sa
from oslo_utils import timeutils, uuidutils

from nova import exception


def utcnow():
    """Now, naive UTC: what the DateTime columns store."""
    return timeutils.utcnow().replace(tzinfo=None, microsecond=0)


def naive(value):
    """A DB-ready copy of ``value``: aware datetimes become naive UTC."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


def changed_values(obj, skip=()):
    """The changed fields of ``obj`` that are plain columns, DB-ready."""
    return {name: naive(getattr(obj, name))
            for name in obj.obj_what_changed()
            if name not in skip}


def from_row(obj, row, field_names, context):
    """Set ``field_names`` of ``obj`` from ``row``; returns ``obj``."""
    for name in field_names:
        value = getattr(row, name)
        if name == 'deleted':
            value = bool(value)
        setattr(obj, name, value)
    obj._context = context
    obj.obj_reset_changes(field_names)
    return obj


def generate_uuid():
    return uuidutils.generate_uuid()


def apply_sort_and_marker(query, model, sort_keys, sort_dirs, marker_row,
                          never_null=('id', 'created_at')):
    """ORDER BY ``sort_keys`` (+ id as tie breaker) and, given the marker
    row, keep only rows after it in that order (keyset pagination).

    ``never_null`` columns are always set by the objects: they are sorted
    plainly, so that their indexes serve the ORDER BY.
    """
    sort_keys = list(sort_keys)
    sort_dirs = list(sort_dirs)
    if 'id' not in sort_keys:
        sort_keys.append('id')
        sort_dirs.append(sort_dirs[0] if sort_dirs else 'asc')
    order = []
    for key, direction in zip(sort_keys, sort_dirs):
        column = (getattr(model, key)
                  if key in model.__table__.columns else None)
        if column is None:
            raise exception.InvalidInput(
                reason=f'Unknown sort key {key}')
        if direction not in ('asc', 'desc'):
            raise exception.InvalidInput(
                reason=f'Unknown sort direction {direction}, must be asc or desc')
        # NULLs first when ascending, last when descending, on every
        # backend (PostgreSQL would do the opposite by default).
        nulls = sa.case((column.is_(None), 0), else_=1)
        if key in never_null or not column.nullable:
            order.append(column.asc() if direction == 'asc'
                         else column.desc())
        elif direction == 'asc':
            order.extend([nulls.asc(), column.asc()])
        else:
            order.extend([nulls.desc(), column.desc()])
    query = query.order_by(*order)
    if marker_row is None:
        return query
    # (k1 > m1) OR (k1 = m1 AND k2 > m2) OR ..., NULL-aware.
    criteria = []
    for i, (key, direction) in enumerate(zip(sort_keys, sort_dirs)):
        equals = []
        for prev_key in sort_keys[:i]:
            col = getattr(model, prev_key)
            val = getattr(marker_row, prev_key)
            equals.append(col.is_(None) if val is None else col == val)
        col = getattr(model, key)
        val = getattr(marker_row, key)
        if direction == 'asc':
            after = (col.is_not(None) if val is None
                     else col > val)
        else:
            after = (sa.false() if val is None
                     else sa.or_(col < val, col.is_(None)))
        criteria.append(sa.and_(*equals, after))
    if not criteria:
        return query
    return query.where(sa.or_(*criteria))
