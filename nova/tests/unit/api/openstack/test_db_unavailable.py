"""A database that is down or restarting is a 503 that says so, never a
500: the errors oslo.db, SQLAlchemy and the drivers raise then."""

import socket
import sqlite3

import oslo_messaging as messaging
import psycopg2
import pymysql
import pytest
import sqlalchemy.exc as sa_exc
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade

from nova import context as nova_context
from nova import objects
from nova.api.openstack import unavailable
from nova.db.api import api as api_db


def _sa(orig):
    return sa_exc.OperationalError('SELECT 1', {}, orig)


OUTAGES = {
    'oslo.db connection error': db_exc.DBConnectionError(
        _sa(pymysql.err.OperationalError(2003, "Can't connect"))),
    'mysql lost connection': _sa(pymysql.err.OperationalError(
        2013, 'Lost connection to MySQL server during query')),
    'mysql gone away': _sa(pymysql.err.OperationalError(
        2006, 'MySQL server has gone away')),
    'mariadb shutting down': db_exc.DBError(_sa(pymysql.err.OperationalError(
        1053, 'Server shutdown in progress'))),
    'mysql too many connections': _sa(pymysql.err.OperationalError(
        1040, 'Too many connections')),
    'pymysql closed connection': sa_exc.InterfaceError(
        'SELECT 1', {}, pymysql.err.InterfaceError(0, '')),
    'postgresql closed': _sa(psycopg2.OperationalError(
        'server closed the connection unexpectedly')),
    'postgresql starting': _sa(psycopg2.OperationalError(
        'FATAL:  the database system is starting up')),
    'invalidated connection': sa_exc.OperationalError(
        'SELECT 1', {}, Exception('boom'), connection_invalidated=True),
    'pool exhausted': sa_exc.TimeoutError(
        'QueuePool limit of size 5 overflow 10 reached'),
    'sqlite locked': _sa(sqlite3.OperationalError('database is locked')),
    'conductor without db': messaging.RemoteError(
        'DBConnectionError', 'cannot connect', ''),
}


@pytest.fixture
def failing_flavors(monkeypatch):
    def fail_with(exc):
        def get_all(*args, **kwargs):
            raise exc
        monkeypatch.setattr(objects.FlavorList, 'get_all', get_all)
    return fail_with


@pytest.mark.parametrize('name', sorted(OUTAGES))
def test_outage_is_503_saying_the_database_is_unavailable(
        client, dbs, failing_flavors, name):
    failing_flavors(OUTAGES[name])
    resp = client.get('/v2.1/flavors')
    assert resp.status_int == 503
    fault = resp.json_body_or_none['serviceUnavailable']
    assert fault['code'] == 503
    assert 'database is unavailable' in fault['message']
    assert 'Traceback' not in resp.text
    # Like every response of a versioned resource, it names the version.
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.1'


def test_error_raised_from_an_outage_is_503(client, dbs, failing_flavors):
    try:
        raise OUTAGES['mysql lost connection']
    except sa_exc.OperationalError as cause:
        try:
            raise RuntimeError('could not list flavors') from cause
        except RuntimeError as exc:
            failing_flavors(exc)
    assert client.get('/v2.1/flavors').status_int == 503


@pytest.mark.parametrize('exc', [
    _sa(sqlite3.OperationalError('no such table: flavors')),
    sa_exc.ProgrammingError('SELECT', {}, Exception('syntax error')),
    ValueError('a bug'),
], ids=['missing table', 'bad sql', 'bug'])
def test_other_errors_stay_500(client, dbs, failing_flavors, exc):
    failing_flavors(exc)
    resp = client.get('/v2.1/flavors')
    assert resp.status_int == 500
    assert 'computeFault' in resp.json_body_or_none


def test_rpc_timeout_is_503(client, dbs, failing_flavors):
    failing_flavors(messaging.MessagingTimeout('no reply'))
    resp = client.get('/v2.1/flavors')
    assert resp.status_int == 503
    assert 'did not answer in time' in \
        resp.json_body_or_none['serviceUnavailable']['message']


def test_fault_wrapper_turns_an_outage_in_middleware_into_503(
        client, monkeypatch):
    # Outside any versioned resource (here: while authenticating).
    from nova.api import middleware

    def down(*args, **kwargs):
        raise OUTAGES['oslo.db connection error']
    monkeypatch.setattr(middleware, '_ctx_from_env', down)
    resp = client.get('/v2.1/flavors')
    assert resp.status_int == 503
    assert 'database is unavailable' in \
        resp.json_body_or_none['serviceUnavailable']['message']


# Real drivers, nothing listening: what pool checkout raises ------------------

def _closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize('url', [
    'mysql+pymysql://root@127.0.0.1:{port}/nova_api',
    'postgresql+psycopg2://nova@127.0.0.1:{port}/nova_api',
], ids=['mysql', 'postgresql'])
def test_unreachable_api_database_is_503(client, dbs, monkeypatch, url):
    manager = enginefacade.transaction_context()
    # max_retries=0: no connection test (and no waiting) at engine start.
    manager.configure(connection=url.format(port=_closed_port()),
                      max_retries=0)
    monkeypatch.setattr(api_db, 'context_manager', manager)
    nova_context.reset_cell_caches()
    try:
        resp = client.get('/v2.1/flavors')
    finally:
        manager.writer.get_engine().dispose()
    assert resp.status_int == 503, resp.text
    assert 'database is unavailable' in \
        resp.json_body_or_none['serviceUnavailable']['message']


def test_reason_walks_wrapped_errors_once():
    err = RuntimeError('loop')
    err.__context__ = err
    assert unavailable.reason(err) is None
