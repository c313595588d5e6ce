"""alembic environment of a cell DB (run by nova.db.migration)."""

from alembic import context

from nova.db.main import models
from nova.db.migration_env import run_migrations

run_migrations(context, models.Base.metadata)
