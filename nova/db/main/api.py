"""Cell database transaction contexts (oslo.db enginefacade).

``context_manager`` is this service's own cell DB (``[database]``); a
context targeted at another cell (``nova.context.target_cell``) carries
that cell's context manager in ``context.db_connection``. Query code uses
:func:`reader` / :func:`writer` so it follows the targeting.
"""

import functools

from oslo_db.sqlalchemy import enginefacade

import nova.conf
from nova.db import sqlite

CONF = nova.conf.CONF

context_manager = enginefacade.transaction_context()
context_manager.append_on_engine_create(sqlite.tune_engine)
_configured = False


def configure(conf=CONF):
    """Bind the main context manager to ``[database]``; idempotent."""
    global _configured
    if _configured:
        return
    context_manager.configure(**_db_settings(conf))
    _configured = True


def _db_settings(conf, connection=None):
    settings = {k: v for k, v in conf.database.items()
                if k in ('connection', 'slave_connection', 'sqlite_synchronous',
                         'max_pool_size', 'max_overflow', 'pool_timeout',
                         'connection_recycle_time', 'max_retries',
                         'retry_interval', 'connection_debug')
                and v is not None}
    if connection is not None:
        settings['connection'] = connection
        settings.pop('slave_connection', None)
    return settings


def create_context_manager(connection):
    """A new context manager for the cell DB at ``connection``."""
    ctxt_mgr = enginefacade.transaction_context()
    ctxt_mgr.configure(**_db_settings(CONF, connection))
    ctxt_mgr.append_on_engine_create(sqlite.tune_engine)
    return ctxt_mgr


def get_context_manager(context):
    if context is not None and getattr(context, 'db_connection', None):
        return context.db_connection
    configure()
    return context_manager


def get_engine(context=None):
    return get_context_manager(context).writer.get_engine()


def reader(fn):
    """Run ``fn(context, ...)`` in a reader transaction of the context's cell."""
    @functools.wraps(fn)
    def wrapper(context, *args, **kwargs):
        with get_context_manager(context).reader.using(context):
            return fn(context, *args, **kwargs)
    return wrapper


def writer(fn):
    """Run ``fn(context, ...)`` in a writer transaction of the context's cell."""
    @functools.wraps(fn)
    def wrapper(context, *args, **kwargs):
        with get_context_manager(context).writer.using(context):
            return fn(context, *args, **kwargs)
    return wrapper
