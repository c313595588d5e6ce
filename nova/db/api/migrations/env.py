"""alembic environment of the API DB (run by nova.db.migration)."""

from alembic import context

from nova.db.api import models
from nova.db.migration_env import run_migrations

run_migrations(context, models.Base.metadata)
