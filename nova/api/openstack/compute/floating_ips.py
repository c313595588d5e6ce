"""/os-floating-ips and /os-floating-ip-pools: proxies to the network
service up to 2.35 (404 from 2.36).

The local flat network has no external network, hence no pool and no
floating IP: lists are empty and a floating IP cannot be allocated.
"""

from nova import exception
from nova.api import wsgi
from nova.api.openstack.compute import networks
from nova.i18n import _


class FloatingIPNotFound(exception.NotFound):
    msg_fmt = _('Floating IP %(id)s could not be found.')


class FloatingIPPoolNotFound(exception.NotFound):
    msg_fmt = _('No floating IP pool %(pool)s: this cloud\'s network has '
                'no external network to allocate floating IPs from.')


def _can(req, rule):
    req.context.can(rule, target={'project_id': req.context.project_id})


class FloatingIPController:

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def index(self, req):
        _can(req, 'os_compute_api:os-floating-ips:list')
        return {'floating_ips': []}

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def show(self, req, id):
        _can(req, 'os_compute_api:os-floating-ips:show')
        raise FloatingIPNotFound(id=id)

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def create(self, req):
        _can(req, 'os_compute_api:os-floating-ips:create')
        pool = None
        if req.body:
            body = req.json_body if isinstance(req.json_body, dict) else {}
            pool = body.get('pool')
        raise FloatingIPPoolNotFound(pool=pool or _('(default)'))

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def delete(self, req, id):
        _can(req, 'os_compute_api:os-floating-ips:delete')
        raise FloatingIPNotFound(id=id)


class FloatingIPPoolsController:

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def index(self, req):
        _can(req, 'os_compute_api:os-floating-ip-pools:list')
        return {'floating_ip_pools': []}
