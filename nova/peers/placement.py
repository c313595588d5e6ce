"""Run the real OpenStack Placement service in this process.

Placement has its own ``ConfigOpts`` so that its options never mix with
nova's; its database is migrated on start (``sync_on_startup``).
"""

from oslo_config import cfg

from nova import service
from nova.db import sqlite


def make_app(connection, auth_strategy='noauth2'):
    """The Placement WSGI app on the DB at ``connection`` (migrated)."""
    from placement import conf as placement_conf
    from placement import db_api, deploy

    config = cfg.ConfigOpts()
    placement_conf.register_opts(config)
    config.set_default('auth_strategy', auth_strategy, group='api')
    config.set_default('connection', connection, group='placement_database')
    config.set_default('sync_on_startup', True, group='placement_database')
    # One thread per request: a burst of claims must not wait 30 s for one
    # of oslo.db's default 15 connections (nova's own pools allow 55).
    config.set_default('max_overflow', 50, group='placement_database')
    config([], project='placement', default_config_files=[])
    db_api.configure(config)
    # Many threads write Placement's SQLite file too: same tuning as nova's.
    db_api.placement_context_manager.append_on_engine_create(sqlite.tune_engine)
    return deploy.loadapp(config)


def make_service(connection, host='127.0.0.1', port=8778):
    """A WSGI service serving Placement on ``host:port`` (0 picks a port)."""
    return service.WSGIService('placement', make_app(connection), host, port)
