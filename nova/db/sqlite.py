"""SQLite tuning for the single-machine mode, where many threads write.

A file DB gets WAL journaling (readers do not block the writer) and a busy
timeout (a writer waits for the lock instead of failing with "database is
locked"). Transactions start with ``BEGIN IMMEDIATE``: a deferred
transaction that reads then writes cannot wait for the lock (SQLite
answers SQLITE_BUSY at once to avoid a deadlock), an immediate one can.
"""

import threading

from sqlalchemy import event

BUSY_TIMEOUT_MS = 30000


def _is_file_db(engine):
    url = engine.url
    return (url.get_backend_name() == 'sqlite' and url.database
            and url.database != ':memory:'
            and 'mode=memory' not in str(url))


def tune_engine(engine):
    """Install the WAL/busy-timeout/immediate-begin listeners on ``engine``."""
    if not _is_file_db(engine):
        return

    @event.listens_for(engine, 'connect')
    def _on_connect(dbapi_con, con_record):
        dbapi_con.execute(f'PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}')
        dbapi_con.execute('PRAGMA journal_mode = WAL')

    # oslo.db's own 'begin' listener emits a plain BEGIN (and runs first
    # whatever the insert flag says); turn that BEGIN into an immediate one.
    # A transaction a thread opens while it already has one open on this DB
    # (an "independent" read inside a write, as Placement does) stays
    # deferred: an immediate one would wait for the thread's own lock.
    open_here = threading.local()

    @event.listens_for(engine, 'before_cursor_execute', retval=True)
    def _immediate_begin(conn, cursor, statement, parameters, context,
                         executemany):
        if statement == 'BEGIN':
            if not getattr(open_here, 'count', 0):
                statement = 'BEGIN IMMEDIATE'
            open_here.count = getattr(open_here, 'count', 0) + 1
            conn.info['nova_sqlite_began'] = True
        return statement, parameters

    @event.listens_for(engine, 'commit')
    @event.listens_for(engine, 'rollback')
    def _ended(conn):
        if conn.info.pop('nova_sqlite_began', False):
            open_here.count = max(0, getattr(open_here, 'count', 0) - 1)


def create_engine(url):
    """A plain engine on ``url`` (migrations, nova-manage) with the tuning."""
    from oslo_db.sqlalchemy import engines
    engine = engines.create_engine(url)
    tune_engine(engine)
    return engine

