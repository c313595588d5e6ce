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


def register_opts(conf):
    conf.register_opts(rpc_opts)


def list_opts():
    return {'DEFAULT': rpc_opts}
