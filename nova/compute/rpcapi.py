"""Client side of the compute RPC API (topic ``compute``, server = host).

Version history:

* 1.0 - build_and_run_instance, terminate_instance
"""

import oslo_messaging as messaging

import nova.conf
from nova import rpc

CONF = nova.conf.CONF

RPC_TOPIC = 'compute'


class ComputeAPI:
    """Casts to the nova-compute service of one host."""

    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version=self.VERSION)
        version_cap = CONF.upgrade_levels.compute or None
        self.client = rpc.get_client(target, version_cap=version_cap)

    def _prepare(self, ctxt, host, version='1.0'):
        # A context targeted at a cell carries that cell's bus.
        client = rpc.get_cell_client(ctxt, self.client)
        return client.prepare(server=host, version=version)

    def build_and_run_instance(self, ctxt, instance, host, image,
                               request_spec, filter_properties,
                               admin_password=None, injected_files=None,
                               requested_networks=None,
                               security_groups=None,
                               block_device_mapping=None, node=None,
                               limits=None, host_list=None):
        cctxt = self._prepare(ctxt, host)
        cctxt.cast(ctxt, 'build_and_run_instance', instance=instance,
                   image=image, request_spec=request_spec,
                   filter_properties=filter_properties,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   security_groups=security_groups,
                   block_device_mapping=block_device_mapping, node=node,
                   limits=limits, host_list=host_list)

    def terminate_instance(self, ctxt, instance, bdms):
        cctxt = self._prepare(ctxt, instance.host)
        cctxt.cast(ctxt, 'terminate_instance', instance=instance, bdms=bdms)
