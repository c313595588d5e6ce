"""[wsgi] options: where nova-api listens and how it serves."""

from oslo_config import cfg

group = cfg.OptGroup('wsgi', title='WSGI server options')

opts = [
    cfg.StrOpt('api_paste_config', default='api-paste.ini',
               help='The paste configuration file of nova-api; looked up '
                    'beside the config files, then in nova/api.'),
    cfg.HostAddressOpt('osapi_compute_listen', default='0.0.0.0',
                       help='Address nova-api listens on.'),
    cfg.PortOpt('osapi_compute_listen_port', default=8774,
                help='Port nova-api listens on.'),
    cfg.IntOpt('osapi_compute_workers', default=16, min=1,
               help='Threads nova-api serves requests with.'),
    cfg.IntOpt('max_request_body_size', default=114688, min=1,
               help='Largest request body in bytes; larger bodies get 413.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
