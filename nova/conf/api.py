"""[api] options of nova-api."""

from oslo_config import cfg

group = cfg.OptGroup('api', title='Compute API options')

opts = [
    cfg.StrOpt('auth_strategy', default='keystone',
               choices=[('keystone', 'keystonemiddleware validates tokens'),
                        ('noauth2', ('token "user:project"; user "admin" is '
                                     'admin. For tests and one machine only.'))],
               help='How nova-api authenticates requests.'),
    cfg.IntOpt('max_limit', default=1000, min=1,
               help='Largest number of items a list call returns in one '
                    'page.'),
    cfg.StrOpt('compute_link_prefix',
               help='Base URL of links in responses, when nova-api is behind '
                    'a proxy. Unset means the request\'s own host URL.'),
    cfg.StrOpt('glance_link_prefix',
               help='Base URL of image links in responses. Unset means the '
                    'request\'s own host URL.'),
    cfg.BoolOpt('instance_list_per_project_cells', default=False,
                help='Only query the cells where the project has instances '
                     'when listing servers.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
