"""/os-baremetal-nodes: a proxy to the bare metal service (Ironic), up
to 2.35 (404 from 2.36).

There is no bare metal service here: reading nodes is 501. Creating and
deleting nodes and their interfaces was never done through this API
(use the bare metal service): 400.
"""

from nova import exception
from nova.api import wsgi
from nova.api.openstack.compute import networks
from nova.i18n import _


class BareMetalServiceUnavailable(exception.NovaException):
    msg_fmt = _('No bare metal service (Ironic) is configured in this '
                'cloud, so there are no bare metal nodes to show.')
    code = 501


class BareMetalCommandNotSupported(exception.Invalid):
    msg_fmt = _('Managing bare metal nodes is not supported by the Compute '
                'API: use the bare metal service (Ironic).')


class BareMetalNodeController:

    def _can(self, req, action):
        req.context.can(f'os_compute_api:os-baremetal-nodes:{action}',
                        target={})

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def index(self, req):
        self._can(req, 'list')
        raise BareMetalServiceUnavailable()

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def show(self, req, id):
        self._can(req, 'show')
        raise BareMetalServiceUnavailable()

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def unsupported(self, req, **_ignored):
        raise BareMetalCommandNotSupported()
