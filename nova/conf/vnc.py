"""[vnc]: VNC consoles of the guests, reached through a noVNC proxy."""

from oslo_config import cfg

group = cfg.OptGroup('vnc', title='VNC console options')

opts = [
    cfg.BoolOpt('enabled', default=True,
                help='Hand out VNC console URLs (protocol "vnc", type '
                     '"novnc"). When false, asking for one is refused '
                     '(400).'),
    cfg.StrOpt('server_listen', default='127.0.0.1',
               help='Address the guests\' VNC servers listen on, on the '
                    'compute host (libvirt). The console proxy must reach '
                    'it; 0.0.0.0 listens on every address and the proxy '
                    'is told [DEFAULT] my_ip.'),
    cfg.URIOpt('novncproxy_base_url',
               default='http://127.0.0.1:6080/vnc_auto.html',
               help='Public URL of the noVNC proxy\'s page. The console '
                    'URL given to users is this URL with '
                    '"?path=%3Ftoken%3D<token>" added; use an address '
                    'the users\' browsers can reach.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
