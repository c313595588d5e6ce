"""[spice]: SPICE consoles of the guests, reached through an HTML5
proxy."""

from oslo_config import cfg

group = cfg.OptGroup('spice', title='SPICE console options')

opts = [
    cfg.BoolOpt('enabled', default=False,
                help='Hand out SPICE console URLs (protocol "spice", type '
                     '"spice-html5"). Off by default: the libvirt guests '
                     'of this service define no SPICE graphics.'),
    cfg.URIOpt('html5proxy_base_url',
               default='http://127.0.0.1:6082/spice_auto.html',
               help='Public URL of the SPICE HTML5 proxy\'s page; the '
                    'console URL is this URL with "?token=<token>" '
                    'added.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
