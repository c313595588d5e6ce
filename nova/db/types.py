"""Column types shared by the API and cell DB models."""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

# Text that may exceed 64 KiB (serialized instances, network info, user
# data): MEDIUMTEXT on MySQL, where TEXT stops at 64 KiB.
MediumText = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')
