"""[consoleauth]: the tokens that authorize a connection to a remote
console (see :mod:`nova.objects.console_auth_token`)."""

from oslo_config import cfg

group = cfg.OptGroup('consoleauth', title='Console authorization options')

opts = [
    cfg.IntOpt('token_ttl', default=600, min=1,
               help='Seconds a console token stays valid after the URL '
                    'holding it was handed out (POST /servers/{id}/'
                    'remote-consoles or a get-console action). A token '
                    'is also single-use: the console proxy that connects '
                    'with it consumes it. Expired tokens are refused and '
                    'purged by the compute service of their host.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
