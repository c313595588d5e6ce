"""[network]: the local flat network that stands in where there is no Neutron."""

from oslo_config import cfg

group = cfg.OptGroup('network', title='Local flat network options')

opts = [
    cfg.StrOpt('flat_network_name', default='private',
               help='Name of the local flat network, as shown in server '
                    'addresses.'),
    cfg.StrOpt('fixed_range', default='10.0.0.0/24',
               help='IPv4 range fixed IPs are allocated from.'),
    cfg.StrOpt('gateway', default=None,
               help='Gateway of the flat network; unset means the first '
                    'address of fixed_range.'),
    cfg.StrOpt('flat_network_bridge', default='br100',
               help='Linux bridge guests of the flat network are plugged '
                    'into (libvirt driver).'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
