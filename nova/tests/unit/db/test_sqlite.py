"""SQLite file DBs take concurrent writers: WAL, busy timeout and
immediate transactions make writers wait instead of failing."""

import threading

import sqlalchemy as sa
from oslo_db.sqlalchemy import enginefacade

from nova import context
from nova.db import sqlite


def _manager(url):
    manager = enginefacade.transaction_context()
    manager.configure(connection=url)
    manager.append_on_engine_create(sqlite.tune_engine)
    return manager


def test_file_db_uses_wal_and_busy_timeout(tmp_path):
    engine = sqlite.create_engine('sqlite:///%s' % (tmp_path / 'a.db'))
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql('PRAGMA journal_mode').scalar() == \
                'wal'
            assert conn.exec_driver_sql('PRAGMA busy_timeout').scalar() == \
                sqlite.BUSY_TIMEOUT_MS
    finally:
        engine.dispose()


def test_memory_db_left_alone():
    engine = sqlite.create_engine('sqlite://')
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql('PRAGMA journal_mode').scalar() == \
                'memory'
    finally:
        engine.dispose()


def test_concurrent_read_modify_write_transactions_all_succeed(tmp_path):
    # Each transaction reads the counter then writes it back: with
    # deferred transactions SQLite would refuse some with "database is
    # locked"; here all wait their turn and no increment is lost.
    manager = _manager('sqlite:///%s' % (tmp_path / 'b.db'))
    engine = manager.writer.get_engine()
    with engine.begin() as conn:
        conn.exec_driver_sql('CREATE TABLE counter (n INTEGER)')
        conn.exec_driver_sql('INSERT INTO counter VALUES (0)')
    errors = []
    threads_n, per_thread = 8, 15

    def work():
        ctxt = context.get_admin_context()
        try:
            for _ in range(per_thread):
                with manager.writer.using(ctxt) as session:
                    n = session.execute(sa.text(
                        'SELECT n FROM counter')).scalar()
                    session.execute(sa.text('UPDATE counter SET n = :n'),
                                    {'n': n + 1})
        except sa.exc.OperationalError as exc:   # asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engine.connect() as conn:
        total = conn.exec_driver_sql('SELECT n FROM counter').scalar()
    engine.dispose()
    assert errors == []
    assert total == threads_n * per_thread
