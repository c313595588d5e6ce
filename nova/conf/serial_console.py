"""[serial_console]: interactive serial consoles of the guests, reached
through a websocket proxy."""

from oslo_config import cfg

group = cfg.OptGroup('serial_console', title='Serial console options')

opts = [
    cfg.BoolOpt('enabled', default=False,
                help='Hand out serial console URLs (protocol "serial", '
                     'type "serial"). Off by default: the libvirt guests '
                     'of this service log their serial port to a file '
                     '(console output) instead of a TCP port.'),
    cfg.URIOpt('base_url', default='ws://127.0.0.1:6083/',
               help='Public websocket URL of the serial console proxy; '
                    'the console URL is this URL with "?token=<token>" '
                    'added.'),
]


def register_opts(conf):
    conf.register_group(group)
    conf.register_opts(opts, group=group)


def list_opts():
    return {group: opts}
