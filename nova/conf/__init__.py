"""All of nova's configuration options, one module per group.

Every module here has ``register_opts(conf)`` and ``list_opts()``; the
latter feeds ``oslo-config-generator`` through ``nova.conf.opts``.
"""

from oslo_config import cfg

from nova.conf import (
    api,
    compute,
    conductor,
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
    service,
    upgrade_levels,
    wsgi,
)

CONF = cfg.CONF

MODULES = (api, compute, conductor, database, deadlines, default, glance, libvirt, network,
           notifications, placement, quota, rpc, scheduler, service, upgrade_levels, wsgi)

for _module in MODULES:
    _module.register_opts(CONF)
