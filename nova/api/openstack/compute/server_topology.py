"""GET /servers/{server_id}/topology (2.78): the NUMA topology of a
server, for its owner (project reader) and admins
(``compute:server:topology:index``).

A server with a NUMA topology would list its guest ``nodes``
(``memory_mb``, ``siblings``, ``vcpu_set``, and for those allowed
``compute:server:topology:host:index`` also ``host_node`` and
``cpu_pinning``) and the ``pagesize_kb`` of its memory. The virt drivers
of this service give no server a NUMA topology, so every server answers
as one without: ``{"nodes": [], "pagesize_kb": null}``.
"""

from nova.api.openstack import api_version_request as avr
from nova.api.openstack import errors
from nova.compute import api as compute

RULE = 'compute:server:topology:%s'


class ServerTopologyController:

    def __init__(self):
        self.compute_api = compute.API()

    def index(self, req, server_id):
        if not avr.is_supported(req, '2.78'):
            raise errors.VersionNotFoundForAPIMethod(
                version=req.api_version_request.get_string())
        ctxt = req.context
        instance = self.compute_api.get(ctxt, server_id)
        ctxt.can(RULE % 'index', target={'project_id': instance.project_id})
        # No NUMA nodes: nothing for the host:index rule to reveal.
        return {'nodes': [], 'pagesize_kb': None}
