"""Archive and purge soft-deleted rows of a cell DB.

``archive_deleted_rows`` moves soft-deleted rows into the matching
``shadow_<table>``; the rows of a deleted instance's children (actions,
events, faults, metadata, tags, ...) move with it, even those never
soft-deleted themselves, so nothing is left pointing at a missing
instance. ``purge_shadow_tables`` deletes rows from the shadow tables.
Both work in batches, each in its own transaction.
"""

import collections

import sqlalchemy as sa

from nova.db.main import models

_METADATA = models.Base.metadata


def _table(name):
    return _METADATA.tables[name]


def _shadow(name):
    return models.SHADOW_TABLES[name]


def _move(conn, name, where):
    """Copy the rows of ``name`` matching ``where`` to its shadow table,
    then delete them; returns how many moved."""
    table, shadow = _table(name), _shadow(name)
    columns = [c.name for c in table.columns]
    conn.execute(shadow.insert().from_select(
        columns, sa.select(*[table.c[c] for c in columns]).where(where)))
    return conn.execute(table.delete().where(where)).rowcount


def _child_clause(name, uuids):
    """Rows of child table ``name`` that belong to instances ``uuids``."""
    table = _table(name)
    if name == 'tags':
        return table.c.resource_id.in_(uuids)
    if name == 'instance_actions_events':
        actions = _table('instance_actions')
        return table.c.action_id.in_(sa.select(actions.c.id).where(
            actions.c.instance_uuid.in_(uuids)))
    return table.c.instance_uuid.in_(uuids)


def _deleted_clause(table, before):
    clause = table.c.deleted != 0
    if before is not None:
        clause = sa.and_(clause, table.c.deleted_at < before)
    return clause


def _archive_batch(conn, max_rows, before):
    """Move up to about ``max_rows`` rows; returns {table: count}."""
    moved = collections.Counter()
    instances = _table('instances')
    uuids = list(conn.execute(sa.select(instances.c.uuid).where(
        _deleted_clause(instances, before)).order_by(instances.c.id).limit(
        max_rows)).scalars())
    if uuids:
        for name in models.INSTANCE_CHILD_TABLES:
            count = _move(conn, name, _child_clause(name, uuids))
            if count:
                moved[name] += count
        moved['instances'] += _move(conn, 'instances',
                                    instances.c.uuid.in_(uuids))
    # Soft-deleted rows whose instance lives on (a removed VIF, a deleted
    # metadata key), and deleted services and compute nodes.
    for name in models.ARCHIVED_TABLES:
        remaining = max_rows - sum(moved.values())
        if remaining <= 0:
            break
        table = _table(name)
        if name == 'instances' or 'deleted' not in table.c:
            continue
        ids = list(conn.execute(sa.select(table.c.id).where(
            _deleted_clause(table, before)).order_by(table.c.id).limit(
            remaining)).scalars())
        if ids:
            moved[name] += _move(conn, name, table.c.id.in_(ids))
    return moved


def archive_deleted_rows(engine, max_rows=1000, before=None,
                         until_complete=False, progress=None):
    """Archive soft-deleted rows of the cell DB behind ``engine``.

    Moves about ``max_rows`` rows, or everything when ``until_complete``
    (in batches of ``max_rows``). ``before`` (naive UTC datetime) keeps
    rows deleted since then. ``progress(batch_counts)`` is called after
    each batch. Returns {table: rows moved}.
    """
    total = collections.Counter()
    while True:
        with engine.begin() as conn:
            batch = _archive_batch(conn, max_rows, before)
        total.update(batch)
        if progress is not None and batch:
            progress(dict(batch))
        if not until_complete or not batch:
            break
    return dict(total)


def purge_shadow_tables(engine, before=None, purge_all=False):
    """Delete rows of the shadow tables: all of them, or those deleted
    before ``before``. Returns {shadow table: rows deleted}."""
    if not purge_all and before is None:
        raise ValueError('purge needs before or purge_all')
    deleted = {}
    with engine.begin() as conn:
        for name in models.ARCHIVED_TABLES:
            shadow = _shadow(name)
            if purge_all:
                where = sa.true()
            elif 'deleted_at' in shadow.c:
                where = shadow.c.deleted_at < before
            elif 'created_at' in shadow.c:
                where = shadow.c.created_at < before
            else:
                continue     # tags: removed with their instance below
            count = conn.execute(shadow.delete().where(where)).rowcount
            if count:
                deleted[shadow.name] = count
        if not purge_all:
            tags, instances = _shadow('tags'), _shadow('instances')
            count = conn.execute(tags.delete().where(
                tags.c.resource_id.not_in(sa.select(instances.c.uuid)))
            ).rowcount
            if count:
                deleted[tags.name] = count
    return deleted
