"""The schema built by the migrations is the schema of the models, on
SQLite, MariaDB and PostgreSQL."""

import pytest
import sqlalchemy as sa
from alembic import autogenerate
from alembic import migration as alembic_migration

from nova.db import migration
from nova.db.api import models as api_models
from nova.db.main import models as main_models
from nova.tests.unit.db import fixtures as db_fixtures

METADATA = {'api': api_models.Base.metadata, 'main': main_models.Base.metadata}


@pytest.fixture(params=['sqlite', 'mysql', 'postgresql'])
def db_url(request, tmp_path):
    if request.param == 'sqlite':
        yield 'sqlite:///%s' % (tmp_path / 'test.db')
        return
    try:
        url, drop = db_fixtures.server_database(request.param)
    except db_fixtures.ServerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        drop()


@pytest.mark.parametrize('database', ['api', 'main'])
def test_migrations_match_models(db_url, database):
    migration.db_sync(database, connection=db_url)
    assert migration.db_version(database, connection=db_url) == \
        migration.head_version(database)
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            context = alembic_migration.MigrationContext.configure(
                conn, opts={'compare_type': True,
                            'version_table':
                                migration.VERSION_TABLES[database]})
            diff = autogenerate.compare_metadata(context, METADATA[database])
    finally:
        engine.dispose()
    assert diff == []


def test_sync_is_idempotent_and_version_none_before(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'x.db')
    assert migration.db_version('main', connection=url) is None
    migration.db_sync('main', connection=url)
    migration.db_sync('main', connection=url)
    assert migration.db_version('main', connection=url) == \
        migration.head_version('main')


def test_api_and_main_can_share_one_database(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'one.db')
    migration.db_sync('api', connection=url)
    migration.db_sync('main', connection=url)
    assert migration.db_version('api', connection=url) == 'api_0002'
    assert migration.db_version('main', connection=url) == \
        migration.head_version('main')


def test_unknown_database_refused():
    from nova import exception
    with pytest.raises(exception.Invalid):
        migration.db_sync('other', connection='sqlite://')
