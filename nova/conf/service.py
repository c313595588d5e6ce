"""Options of the service base: liveness and periodic tasks."""

from oslo_config import cfg

service_opts = [
    cfg.IntOpt('report_interval', default=10, min=1,
               help='Seconds between heartbeats a service writes to the '
                    'services table.'),
    cfg.IntOpt('service_down_time', default=60, min=1,
               help='A service whose last heartbeat is older than this many '
                    'seconds is considered down.'),
    cfg.BoolOpt('periodic_enable', default=True,
                help='Run periodic tasks in this service.'),
    cfg.IntOpt('periodic_fuzzy_delay', default=60, min=0,
               help='Largest random delay in seconds before periodic tasks '
                    'first run, so that services do not run them in step.'),
    cfg.IntOpt('graceful_shutdown_timeout', default=60, min=0,
               help='Seconds a service waits on SIGTERM for in-flight '
                    'requests to finish before it exits.'),
]


def register_opts(conf):
    conf.register_opts(service_opts)


def list_opts():
    return {'DEFAULT': service_opts}
