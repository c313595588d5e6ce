"""The configuration ``nova-all`` runs with, written to ``DIR/nova.conf``.

The file starts from the operator's own configuration (``--config-file``,
else the one a previous start wrote) and fills in only what is unset, so a
second start keeps both the data and the operator's changes, and
``nova-manage --config-file DIR/nova.conf ...`` sees the same service.
"""

import configparser
import dataclasses
import os

CONF_NAME = 'nova.conf'


@dataclasses.dataclass
class Endpoints:
    """Where each part listens (127.0.0.1; ports overridable for tests)."""
    host: str = '127.0.0.1'
    api_port: int = 8774
    placement_port: int = 8778
    glance_port: int = 9292

    @property
    def api_url(self):
        return f'http://{self.host}:{self.api_port}/v2.1'

    @property
    def identity_url(self):
        return f'http://{self.host}:{self.api_port}/identity/v3'

    @property
    def placement_url(self):
        return f'http://{self.host}:{self.placement_port}'

    @property
    def glance_url(self):
        return f'http://{self.host}:{self.glance_port}'


def sqlite_url(state_path, name):
    return f'sqlite:///{os.path.join(os.path.abspath(state_path), name)}'


def placement_db_url(state_path):
    return sqlite_url(state_path, 'placement.sqlite')


def cell0_db_url(state_path):
    return sqlite_url(state_path, 'nova_cell0.sqlite')


def read_conf(paths):
    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # option names are case-sensitive in oslo.config
    parser.read(paths)
    return parser


def state_path_from(paths, default):
    """``[DEFAULT] state_path`` of the given files, else ``default``."""
    value = read_conf(paths).defaults().get('state_path')
    return os.path.expanduser(value) if value else default


def _required(state_path, endpoints, compute_driver):
    """Options nova-all needs, by section: (value, overwrite)."""
    state_path = os.path.abspath(state_path)
    fixed = True     # follows the command line on every start
    default = False  # only where the operator set nothing
    return {
        'DEFAULT': {
            'state_path': (state_path, fixed),
            'log_dir': (os.path.join(state_path, 'log'), default),
            'transport_url': ('fake://', default),
            'compute_driver': (compute_driver, fixed),
        },
        'api_database': {
            'connection': (sqlite_url(state_path, 'nova_api.sqlite'), default),
        },
        'database': {
            'connection': (sqlite_url(state_path, 'nova_cell1.sqlite'), default),
        },
        'api': {'auth_strategy': ('noauth2', default)},
        'wsgi': {
            'osapi_compute_listen': (endpoints.host, fixed),
            'osapi_compute_listen_port': (str(endpoints.api_port), fixed),
        },
        'placement': {
            'endpoint_override': (endpoints.placement_url, fixed),
            'auth_type': ('admin_token', default),
            'endpoint': (endpoints.placement_url, fixed),
            'token': ('admin', default),
        },
        'glance': {
            'endpoint_override': (endpoints.glance_url, fixed),
            'auth_type': ('none', default),
            'endpoint': (endpoints.glance_url, fixed),
        },
        # KVM is not usable on every machine (nested or emulated /dev/kvm
        # hangs guests); QEMU's TCG always works. Operators with working
        # KVM set [libvirt] virt_type = kvm in their --config-file.
        'libvirt': {'virt_type': ('qemu', default)},
        'oslo_concurrency': {
            'lock_path': (os.path.join(state_path, 'locks'), default),
        },
    }


def write(state_path, endpoints, compute_driver, base_files=(), extra=None):
    """Write ``state_path/nova.conf`` and return its path.

    ``extra`` ({section: {option: value}}) is set unconditionally (tests
    use it for small intervals).
    """
    os.makedirs(state_path, exist_ok=True)
    path = os.path.join(state_path, CONF_NAME)
    sources = list(base_files) or ([path] if os.path.exists(path) else [])
    parser = read_conf(sources)
    for section, options in _required(state_path, endpoints, compute_driver).items():
        if section != 'DEFAULT' and not parser.has_section(section):
            parser.add_section(section)
        target = parser.defaults() if section == 'DEFAULT' else parser[section]
        for option, (value, overwrite) in options.items():
            if overwrite or not target.get(option):
                target[option] = value
    for section, options in (extra or {}).items():
        if section != 'DEFAULT' and not parser.has_section(section):
            parser.add_section(section)
        target = parser.defaults() if section == 'DEFAULT' else parser[section]
        for option, value in options.items():
            target[option] = str(value)
    for sub in ('log', 'locks', 'instances'):
        os.makedirs(os.path.join(state_path, sub), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write('# Written by nova-all; edit freely, it keeps what you set.\n')
        parser.write(f)
    os.replace(tmp, path)
    return path
