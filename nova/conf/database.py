"""[database] (the cell DB of this service) and [api_database] options."""

from oslo_config import cfg
from oslo_db import options as oslo_db_options

api_db_group = cfg.OptGroup('api_database', title='API database options',
                            help='The API database: flavors, key pairs, '
                                 'cell/host/instance mappings, build '
                                 'requests, request specs, quotas.')

api_db_opts = [
    cfg.StrOpt('connection', secret=True,
               help='SQLAlchemy URL of the API database.'),
    cfg.StrOpt('slave_connection', secret=True,
               help='SQLAlchemy URL of a read-only replica of the API '
                    'database.'),
    cfg.BoolOpt('sqlite_synchronous', default=True,
                help='If False, SQLite does not wait for data to reach disk.'),
    cfg.IntOpt('max_pool_size', default=5,
               help='Largest number of connections kept open in the pool.'),
    cfg.IntOpt('max_overflow', default=50,
               help='Connections allowed beyond max_pool_size.'),
    # Unset by default as in oslo.db: oslo.db passes a set value on to
    # SQLite file DBs too, whose pool rejects it.
    cfg.IntOpt('pool_timeout',
               help='Seconds to wait for a connection from the pool; unset '
                    'means SQLAlchemy\'s default (30).'),
    cfg.IntOpt('connection_recycle_time', default=3600,
               help='Seconds after which a pooled connection is replaced.'),
    cfg.IntOpt('max_retries', default=10,
               help='Connection attempts at start-up; -1 retries for ever.'),
    cfg.IntOpt('retry_interval', default=1,
               help='Seconds between connection attempts.'),
    cfg.BoolOpt('connection_debug', default=False,
                help='Log every SQL statement (very verbose).'),
]


def set_defaults(conf):
    oslo_db_options.set_defaults(conf, max_pool_size=5, max_overflow=50)


def register_opts(conf):
    oslo_db_options.set_defaults(conf)
    conf.register_group(api_db_group)
    conf.register_opts(api_db_opts, group=api_db_group)


def list_opts():
    return {'database': oslo_db_options.database_opts,
            api_db_group: api_db_opts}
