"""All of nova's configuration options, one module per group.

Every module here has ``register_opts(conf)`` and ``list_opts()``; the
latter feeds ``oslo-config-generator`` through ``nova.conf.opts``.
"""

from oslo_config import cfg

from nova.conf import api
from nova.conf import compute
from nova.conf import conductor
from nova.conf import database
from nova.conf import default
from nova.conf import glance
from nova.conf import libvirt
from nova.conf import network
from nova.conf import notifications
from nova.conf import placement
from nova.conf import quota
from nova.conf import rpc
from nova.conf import scheduler
from nova.conf import service
from nova.conf import upgrade_levels
from nova.conf import wsgi

CONF = cfg.CONF

MODULES = (api, compute, conductor, database, default, glance, libvirt, network,
           notifications, placement, quota, rpc, scheduler, service, upgrade_levels, wsgi)

for _module in MODULES:
    _module.register_opts(CONF)
