"""Console entry points: thin mains that parse configuration, build the
service(s) of one daemon and run them until SIGTERM/SIGINT."""


def log_options():
    """Log every option's value at DEBUG, as a daemon starts.

    oslo.config prints options registered ``secret=True`` (DB connections,
    transport URLs, passwords and tokens) as ``****``.
    """
    from oslo_log import log as logging

    import nova.conf
    nova.conf.CONF.log_opt_values(logging.getLogger('nova.cmd'),
                                  logging.DEBUG)
