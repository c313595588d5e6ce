"""Parse configuration and set up logging, RPC and the DBs for a daemon."""

import os

from oslo_log import log as logging

import nova.conf
from nova import objects, rpc, version
from nova.db.api import api as api_db
from nova.db.main import api as main_db

CONF = nova.conf.CONF

_DEFAULT_LOG_LEVELS = [
    'amqp=WARN', 'amqplib=WARN', 'sqlalchemy=WARN', 'oslo_messaging=INFO',
    'iso8601=WARN', 'requests.packages.urllib3.connectionpool=WARN',
    'urllib3.connectionpool=WARN', 'keystonemiddleware=WARN',
    'routes.middleware=WARN', 'stevedore=WARN', 'keystoneauth=WARN',
    'oslo.cache=INFO', 'oslo_policy=INFO', 'oslo_db=INFO',
]

_logging_registered = False


def _program_name(argv0):
    name = os.path.basename(argv0 or 'nova')
    if name.endswith('.py'):
        name = 'nova-' + name[:-3]
    return name


def register_logging(conf=CONF):
    global _logging_registered
    if not _logging_registered:
        logging.register_options(conf)
        logging.set_defaults(default_log_levels=_DEFAULT_LOG_LEVELS)
        _logging_registered = True


def parse_args(argv, default_config_files=None, init_rpc=True, configure_db=True):
    """Parse ``argv`` (argv[0] is the program), then set up the service.

    Logging goes through oslo.log with the request id on every line; the
    DB context managers are bound to their connections and RPC is started.
    """
    register_logging(CONF)
    objects.register_all()
    CONF(argv[1:], project='nova', version=version.version_string,
         default_config_files=default_config_files)
    if CONF.log_dir and not CONF.log_file:
        # oslo.log names the file after the running script, which under
        # ``python -m`` is '<frozen runpy>': name it after the program.
        CONF.set_override('log_file', _program_name(argv[0]) + '.log')
    logging.setup(CONF, 'nova')
    if configure_db:
        if CONF.api_database.connection:
            api_db.configure(CONF)
        if CONF.database.connection:
            main_db.configure(CONF)
    if init_rpc:
        rpc.init(CONF)
