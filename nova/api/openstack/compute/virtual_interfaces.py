"""/servers/{server_id}/os-virtual-interfaces: the server's virtual
NICs, up to 2.43 (404 from 2.44: the network service's ports tell
more). ``net_id`` is shown from 2.12."""

from nova import context as nova_context
from nova import objects
from nova.api import wsgi
from nova.api.openstack import api_version_request as avr
from nova.compute import api as compute
from nova.network import flat

MAX_VERSION = '2.43'


class VirtualInterfaceController:

    def __init__(self):
        self.compute_api = compute.API()

    @wsgi.api_version('2.1', MAX_VERSION)
    def index(self, req, server_id):
        ctxt = req.context
        instance = self.compute_api.get(ctxt, server_id)
        ctxt.can('os_compute_api:os-virtual-interfaces:list',
                 target={'project_id': instance.project_id})
        vifs = []
        cell = self.compute_api.cell_of(ctxt, instance.uuid)
        if cell is not None:
            with nova_context.target_cell(ctxt, cell) as cctxt:
                vifs = objects.VirtualInterfaceList.get_by_instance_uuid(
                    cctxt, instance.uuid)
        with_net = avr.is_supported(req, '2.12')
        result = []
        for vif in vifs:
            item = {'id': vif.uuid, 'mac_address': vif.address}
            if with_net:
                item['net_id'] = (flat.network_id(vif.network_name)
                                  if vif.network_name else None)
            result.append(item)
        return {'virtual_interfaces': result}
