"""Options of nova's RPC layer (oslo.messaging owns transport_url)."""

from oslo_config import cfg

rpc_opts = [
    cfg.IntOpt('long_rpc_timeout', default=1800,
               help='Timeout in seconds for RPC calls known to take long, '
                    'such as select_destinations on a large cloud.'),
    cfg.IntOpt('rpc_response_timeout_override', default=0, min=0,
               help='If non-zero, overrides [DEFAULT] rpc_response_timeout '
                    'for nova\'s own calls.'),
]


RABBIT_GROUP = 'oslo_messaging_rabbit'


def set_messaging_defaults(conf):
    """Queues and exchanges survive a restart of RabbitMQ, so that a cast
    queued for a service that has not consumed it yet is not lost (the
    messages themselves are persistent and publishes confirmed by
    oslo.messaging). Operators can still turn it off in
    ``[oslo_messaging_rabbit]``."""
    # The driver's own option objects: the sample config and every
    # process that loads the driver see the same default.
    from oslo_messaging._drivers import amqp
    cfg.set_defaults(amqp.amqp_opts, amqp_durable_queues=True)
    conf.register_opts(amqp.amqp_opts, group=RABBIT_GROUP)


def register_opts(conf):
    conf.register_opts(rpc_opts)
    set_messaging_defaults(conf)


def list_opts():
    return {'DEFAULT': rpc_opts}
