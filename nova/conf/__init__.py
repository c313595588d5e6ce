"""All of nova's configuration options, one module per group.

Every module here has ``register_opts(conf)`` and ``list_opts()``; the
latter feeds ``oslo-config-generator`` through ``nova.conf.opts``.
"""

from oslo_config import cfg

from nova.conf import (
    api,
    compute,
    conductor,
    consoleauth,
    database,
    deadlines,
    default,
    glance,
    libvirt,
    network,
    notifications,
    placement,
    quota,
    rpc,
    scheduler,
    serial_console,
    service,
    spice,
    upgrade_levels,
    vnc,
    wsgi,
)

CONF = cfg.CONF

MODULES = (api, compute, conductor, database, deadlines, default, glance, libvirt, network,
           notifications, placement, quota, rpc, scheduler, service, upgrade_levels, wsgi)
# Remote consoles and their tokens.
MODULES += (consoleauth, serial_console, spice, vnc)

for _module in MODULES:
    _module.register_opts(CONF)
