"""Schema migrations of the API DB and the cell DBs (alembic).

``db_sync('api')`` migrates ``[api_database] connection``;
``db_sync('main')`` migrates ``[database] connection`` or, given
``connection``, another cell's DB (a URL, an Engine or a Connection).
"""

import os

import sqlalchemy as sa
from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration

import nova.conf
from nova import exception
from nova.db import sqlite

CONF = nova.conf.CONF

# One version table name per database kind, so that an API DB and a cell
# DB sharing one database (a single-machine setup) do not collide.
VERSION_TABLES = {'api': 'alembic_version_api', 'main': 'alembic_version'}


def _check_database(database):
    if database not in VERSION_TABLES:
        raise exception.Invalid(
            reason=f"database must be 'api' or 'main', not {database!r}")


def _migrations_path(database):
    return os.path.join(os.path.dirname(__file__), database, 'migrations')


def get_alembic_config(database, connection=None):
    _check_database(database)
    config = alembic_config.Config(
        os.path.join(_migrations_path(database), 'alembic.ini'))
    config.set_main_option('script_location', _migrations_path(database))
    config.attributes['connection'] = connection
    config.attributes['version_table'] = VERSION_TABLES[database]
    return config


def _url(database, connection):
    if connection is not None:
        return connection
    url = (CONF.api_database.connection if database == 'api'
           else CONF.database.connection)
    if not url:
        group = 'api_database' if database == 'api' else 'database'
        raise exception.Invalid(
            reason=f'[{group}] connection is not set in the configuration')
    return url


class _Connected:
    """A Connection for ``target`` (a URL, Engine or Connection)."""

    def __init__(self, target):
        self.target = target
        self.engine = None
        self.connection = None

    def __enter__(self):
        if isinstance(self.target, sa.engine.Connection):
            return self.target
        if isinstance(self.target, sa.engine.Engine):
            self.connection = self.target.connect()
        else:
            self.engine = sqlite.create_engine(self.target)
            self.connection = self.engine.connect()
        return self.connection

    def __exit__(self, *exc):
        if self.connection is not None:
            self.connection.close()
        if self.engine is not None:
            self.engine.dispose()
        return False


def db_sync(database='main', version=None, connection=None):
    """Migrate ``database`` ('main' or 'api') up to ``version`` (head)."""
    _check_database(database)
    with _Connected(_url(database, connection)) as conn:
        config = get_alembic_config(database, conn)
        alembic_command.upgrade(config, version or 'head')
        if conn.in_transaction():
            conn.commit()


def db_version(database='main', connection=None):
    """The revision ``database`` is at, or None when never migrated."""
    _check_database(database)
    with _Connected(_url(database, connection)) as conn:
        context = alembic_migration.MigrationContext.configure(
            conn, opts={'version_table': VERSION_TABLES[database]})
        return context.get_current_revision()


def head_version(database='main'):
    from alembic import script as alembic_script
    return alembic_script.ScriptDirectory.from_config(
        get_alembic_config(database)).get_current_head()
