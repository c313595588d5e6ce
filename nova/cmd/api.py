"""nova-api: serves the Compute API (the paste app) with a threaded server.

The same app is importable for any WSGI server from
``nova.wsgi.osapi_compute``; this command is for operators who want no
separate web server.
"""

import sys

import nova.conf
from nova import config, service
from nova.cmd import log_options
from nova.wsgi import osapi_compute

CONF = nova.conf.CONF


def create_service(host=None, port=None):
    """The API served on ``host:port`` (default: [wsgi] listen options)."""
    return service.WSGIService(
        osapi_compute.APP_NAME, osapi_compute.load_app(CONF),
        host or CONF.wsgi.osapi_compute_listen,
        CONF.wsgi.osapi_compute_listen_port if port is None else port)


def main():
    config.parse_args(sys.argv)
    log_options()
    service.run([create_service()])


if __name__ == '__main__':
    sys.exit(main())
