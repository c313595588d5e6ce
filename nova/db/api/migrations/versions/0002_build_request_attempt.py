"""Build requests count the times they were sent to the conductors

Revision ID: api_0002
Revises: api_0001
Create Date: 2026-11-25 00:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = 'api_0002'
down_revision = 'api_0001'
branch_labels = None
depends_on = None


def upgrade():
    # A conductor works on a build request only while the attempt it was
    # sent holds; the stalled-build deadline raises it before re-sending.
    with op.batch_alter_table('build_requests') as batch:
        batch.add_column(sa.Column('attempt', sa.Integer(), nullable=False,
                                   server_default='0'))
