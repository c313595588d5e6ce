"""[glance]: how nova reaches the Glance (image service) service (keystoneauth)."""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

group = cfg.OptGroup('glance', title='Glance (image service) service client options')

opts = [
    cfg.StrOpt('endpoint_override',
               help='Glance (image service) URL, bypassing the service catalog.'),
    cfg.StrOpt('region_name', help='Region of the Glance (image service) endpoint.'),
    cfg.ListOpt('valid_interfaces', default=['internal', 'public'],
                help='Catalog interfaces to look Glance (image service) up by.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)
    ks_loading.register_session_conf_options(conf, group.name)
    ks_loading.register_auth_conf_options(conf, group.name)


def list_opts():
    return {group: (opts
                    + ks_loading.get_session_conf_options()
                    + ks_loading.get_auth_common_conf_options()
                    + ks_loading.get_auth_plugin_conf_options('password'))}
