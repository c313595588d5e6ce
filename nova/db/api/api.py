"""The API database's transaction context (oslo.db enginefacade).

Objects reach the API DB with ``@api.context_manager.reader`` /
``.writer`` on functions that take the request context first.
"""

from oslo_db.sqlalchemy import enginefacade

import nova.conf
from nova.db import sqlite

CONF = nova.conf.CONF

context_manager = enginefacade.transaction_context()
context_manager.append_on_engine_create(sqlite.tune_engine)
_configured = False


def configure(conf=CONF):
    """Bind the API DB context manager to ``[api_database]``; idempotent."""
    global _configured
    if _configured:
        return
    settings = {k: v for k, v in conf.api_database.items()
                if k in ('connection', 'slave_connection', 'sqlite_synchronous',
                         'max_pool_size', 'max_overflow', 'pool_timeout',
                         'connection_recycle_time', 'max_retries',
                         'retry_interval', 'connection_debug')
                and v is not None}
    context_manager.configure(**settings)
    _configured = True


def get_engine():
    configure()
    return context_manager.writer.get_engine()
