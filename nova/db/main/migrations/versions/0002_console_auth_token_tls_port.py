"""Console auth tokens remember the TLS port of the console (SPICE)

Revision ID: main_0002
Revises: main_0001
Create Date: 2026-12-01 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'main_0002'
down_revision = 'main_0001'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: tokens of consoles without TLS (VNC, serial) have none.
    for table in ('console_auth_tokens', 'shadow_console_auth_tokens'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('tls_port', sa.Integer(),
                                       nullable=True))
