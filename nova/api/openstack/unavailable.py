"""Which errors mean "a backend is down", so the API answers 503, not 500.

A database that is restarting, refusing connections or out of
connections is not a bug of the request: the client may retry. oslo.db
translates most of those errors into ``DBConnectionError``, but not all
of them (a refused PostgreSQL connection at pool checkout reaches us as
SQLAlchemy's ``OperationalError``; MariaDB's "server shutdown in
progress" as a plain ``DBError``), so the driver's own error is looked
at too.
"""

import sqlite3

import oslo_messaging as messaging
import sqlalchemy.exc as sa_exc
from oslo_db import exception as db_exc

DB_UNAVAILABLE = ('The database is unavailable: the service cannot reach '
                  'it or it is not accepting connections. Try again later.')
RPC_TIMEOUT = ('A compute service did not answer in time (the message '
               'bus or the service may be down). Try again later.')

# MySQL/MariaDB client and server error codes that mean the server is
# gone, going or full: 1040 too many connections, 1053 shutdown in
# progress, 1077 normal shutdown, 1927 connection killed, 2002/2003
# cannot connect, 2006 gone away, 2013 lost connection, 2055 lost at
# handshake; pymysql reports a closed connection as (0, '').
_MYSQL_CODES = frozenset((0, 1040, 1053, 1077, 1927, 2002, 2003, 2006, 2013,
                          2055))
# PostgreSQL SQLSTATEs: class 08 (connection exception), 53300 too many
# connections, 57P01..57P03 admin shutdown / crash shutdown / cannot
# connect now (starting up or shutting down).
_PG_CODES_PREFIX = ('08',)
_PG_CODES = frozenset(('53300', '57P01', '57P02', '57P03'))
# What the drivers say when there is no SQLSTATE (connect failures).
_MESSAGES = ('could not connect', 'connection refused', 'connection to server',
             'server closed the connection', 'terminating connection',
             'the database system is', 'lost connection', 'gone away',
             "can't connect", 'server shutdown in progress',
             'too many connections', 'connection already closed',
             'database is locked')


def _driver_error_is_unavailable(err):
    """True for a DB-API exception (pymysql, psycopg2, sqlite3) that
    says the server cannot be used right now."""
    name = type(err).__name__
    if name not in ('OperationalError', 'InterfaceError'):
        return False
    pgcode = getattr(err, 'pgcode', None)
    if pgcode:
        return pgcode.startswith(_PG_CODES_PREFIX) or pgcode in _PG_CODES
    args = getattr(err, 'args', ())
    if args and isinstance(args[0], int) and args[0] in _MYSQL_CODES:
        return True
    if isinstance(err, sqlite3.OperationalError):
        text = str(err)
        return ('database is locked' in text or
                'unable to open database file' in text)
    text = str(err).lower()
    return any(message in text for message in _MESSAGES)


def _is_db_unavailable(exc):
    if isinstance(exc, db_exc.DBConnectionError):
        return True
    if isinstance(exc, sa_exc.TimeoutError):
        # Every pooled connection is in use and none came back in time.
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        return _driver_error_is_unavailable(exc.orig)
    if isinstance(exc, db_exc.DBError) and exc.inner_exception is not None:
        return _is_db_unavailable(exc.inner_exception)
    return _driver_error_is_unavailable(exc)


def _causes(exc):
    """``exc`` and the exceptions it was raised from, nearest first."""
    seen = set()
    while exc is not None and id(exc) not in seen and len(seen) < 8:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def reason(exc):
    """The message of a 503 for ``exc``, or None if it is no outage."""
    for one in _causes(exc):
        if isinstance(one, messaging.RemoteError):
            # The conductor or a compute could not reach the DB.
            if one.exc_type in ('DBConnectionError', 'TimeoutError'):
                return DB_UNAVAILABLE
            continue
        if isinstance(one, messaging.MessagingTimeout):
            return RPC_TIMEOUT
        if _is_db_unavailable(one):
            return DB_UNAVAILABLE
    return None
