import pytest

from nova import context
from nova.tests.unit.db import fixtures as db_fixtures


@pytest.fixture
def dbs():
    # In-memory SQLite, or the server named by $NOVA_TEST_DB_BACKEND.
    with db_fixtures.backend_databases() as databases:
        yield databases


@pytest.fixture
def ctxt(dbs):
    return context.RequestContext(user_id='fake-user',
                                  project_id='fake-project',
                                  is_admin=True)


@pytest.fixture
def file_ctxt(tmp_path):
    """Like ``ctxt`` but on SQLite files, for tests with many threads
    (an in-memory DB is one connection shared by all threads)."""
    with db_fixtures.Databases(
            api_url='sqlite:///%s' % (tmp_path / 'api.db'),
            main_url='sqlite:///%s' % (tmp_path / 'main.db')):
        yield context.RequestContext(user_id='fake-user',
                                     project_id='fake-project',
                                     is_admin=True)
