"""WSGI entry point of nova-api for any WSGI server (uwsgi, gunicorn, mod_wsgi).

Configuration files come from ``OS_NOVA_CONFIG_FILES`` (";"-separated)
or the usual oslo.config search path.
"""

import os

from oslo_log import log as logging
from paste import deploy

import nova.conf
from nova import config

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

APP_NAME = 'osapi_compute'
_BUILTIN_PASTE = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'api', 'api-paste.ini')


def find_paste_config(conf=CONF):
    """[wsgi] api_paste_config beside the config files, else the builtin."""
    name = conf.wsgi.api_paste_config
    if os.path.isabs(name) and os.path.exists(name):
        return name
    try:
        found = conf.find_file(name)
    except Exception:  # noqa: BLE001 - unparsed conf: use the builtin
        found = None
    return os.path.abspath(found) if found else _BUILTIN_PASTE


def load_app(conf=CONF, name=APP_NAME):
    """The paste app, with the config already parsed."""
    path = find_paste_config(conf)
    LOG.debug('Loading nova-api from %s', path)
    return deploy.loadapp(f'config:{path}', name=name)


def init_application(name=APP_NAME):
    """Parse configuration, set up DBs and RPC, return the WSGI app."""
    files = os.environ.get('OS_NOVA_CONFIG_FILES')
    default_files = files.split(';') if files else None
    config.parse_args(['nova-api'], default_config_files=default_files)
    return load_app(CONF, name)


def __getattr__(name):
    # ``application`` is built on first access so importing this module
    # for tests or tools does not parse configuration.
    if name == 'application':
        global application
        application = init_application()
        return application
    raise AttributeError(name)
