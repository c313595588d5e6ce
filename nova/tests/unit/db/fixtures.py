"""Test databases: fresh API and cell DBs bound to nova.db's context
managers, for any test that needs objects to reach a real DB.

Usage (pytest)::

    from nova.tests.unit.db import fixtures as db_fixtures

    @pytest.fixture
    def dbs():
        with db_fixtures.Databases() as databases:
            yield databases
"""

import contextlib
import os
import uuid

import sqlalchemy as sa
from oslo_db.sqlalchemy import enginefacade

from nova import context as nova_context
from nova import objects
from nova.db import sqlite
from nova.db.api import api as api_db
from nova.db.api import models as api_models
from nova.db.main import api as main_db
from nova.db.main import models as main_models


def _context_manager(url):
    manager = enginefacade.transaction_context()
    manager.configure(connection=url)
    manager.append_on_engine_create(sqlite.tune_engine)
    return manager


class Databases(contextlib.AbstractContextManager):
    """An API DB and a cell DB (in-memory SQLite unless URLs are given),
    schema built from the models, bound while the ``with`` block runs."""

    def __init__(self, api_url='sqlite://', main_url='sqlite://',
                 create_schema=True):
        self.api_url = api_url
        self.main_url = main_url
        self.create_schema = create_schema

    def __enter__(self):
        objects.register_all()
        self._saved = (api_db.context_manager, api_db._configured,
                       main_db.context_manager, main_db._configured)
        self.api = _context_manager(self.api_url)
        self.main = _context_manager(self.main_url)
        if self.create_schema:
            api_models.Base.metadata.create_all(self.api.writer.get_engine())
            main_models.Base.metadata.create_all(
                self.main.writer.get_engine())
        api_db.context_manager, api_db._configured = self.api, True
        main_db.context_manager, main_db._configured = self.main, True
        nova_context.reset_cell_caches()
        return self

    def __exit__(self, *exc):
        (api_db.context_manager, api_db._configured,
         main_db.context_manager, main_db._configured) = self._saved
        for manager in (self.api, self.main):
            manager.writer.get_engine().dispose()
        nova_context.reset_cell_caches()
        return False

    def add_cell(self, url='sqlite://', uuid=None, name=None):
        """A second cell DB with the cell schema; returns its CellMapping
        (created in the API DB)."""
        from oslo_utils import uuidutils
        manager = _context_manager(url)
        main_models.Base.metadata.create_all(manager.writer.get_engine())
        cell = objects.CellMapping(
            nova_context.get_admin_context(),
            uuid=uuid or uuidutils.generate_uuid(), name=name,
            database_connection=url, transport_url='fake://')
        cell.create()
        # In-memory DBs live only in their engine: hand it to targeting.
        with nova_context._CELL_CACHE_LOCK:
            nova_context._CELL_DB_CACHE[(cell.uuid, url)] = manager
        return cell


SERVERS = {
    'mysql': 'mysql+pymysql://root@127.0.0.1:3306/',
    'postgresql': 'postgresql+psycopg2://postgres@127.0.0.1:5432/postgres',
}
# Set to mysql or postgresql to run the object tests on that server.
BACKEND_ENV = 'NOVA_TEST_DB_BACKEND'


class ServerUnavailable(Exception):
    pass


def server_database(backend):
    """A uniquely named empty DB on ``backend``'s server: (url, drop).
    Raises ServerUnavailable when the server does not answer."""
    admin = sa.create_engine(SERVERS[backend], isolation_level='AUTOCOMMIT')
    try:
        conn = admin.connect()
    except sa.exc.OperationalError as exc:
        admin.dispose()
        raise ServerUnavailable(f'{backend} server does not answer: {exc}')
    name = f'nova_test_{uuid.uuid4().hex[:12]}'
    conn.execute(sa.text(f'CREATE DATABASE {name}'))
    url = sa.engine.make_url(SERVERS[backend]).set(database=name)
    if backend == 'mysql':
        url = url.set(query={'charset': 'utf8mb4'})

    def drop():
        if backend == 'postgresql':
            conn.execute(sa.text(
                'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                'WHERE datname = :name'), {'name': name})
        conn.execute(sa.text(f'DROP DATABASE {name}'))
        conn.close()
        admin.dispose()
    return url.render_as_string(hide_password=False), drop


@contextlib.contextmanager
def backend_databases():
    """Databases on the backend named by $NOVA_TEST_DB_BACKEND (default
    in-memory SQLite)."""
    backend = os.environ.get(BACKEND_ENV, 'sqlite')
    if backend == 'sqlite':
        with Databases() as databases:
            yield databases
        return
    api_url, drop_api = server_database(backend)
    try:
        main_url, drop_main = server_database(backend)
        try:
            with Databases(api_url, main_url) as databases:
                yield databases
        finally:
            drop_main()
    finally:
        drop_api()
