"""Client side of the scheduler RPC API (topic ``scheduler``).

Version history:

* 1.0 - select_destinations
"""

import oslo_messaging as messaging

import nova.conf
from nova import rpc

CONF = nova.conf.CONF

RPC_TOPIC = 'scheduler'


class SchedulerAPI:
    """Asks nova-scheduler where to put instances."""

    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version=self.VERSION)
        version_cap = CONF.upgrade_levels.scheduler or None
        self.client = rpc.get_client(target, version_cap=version_cap)

    def select_destinations(self, ctxt, spec_obj, instance_uuids,
                            return_objects=True, return_alternates=True):
        """A list (one per instance) of lists [selected] + alternates of
        Selection; raises NoValidHost saying why no host fits.

        A call with ``[DEFAULT] long_rpc_timeout``: on a large cloud
        filtering and claiming can take long.
        """
        cctxt = self.client.prepare(version='1.0',
                                    timeout=CONF.long_rpc_timeout)
        return cctxt.call(ctxt, 'select_destinations', spec_obj=spec_obj,
                          instance_uuids=instance_uuids,
                          return_objects=return_objects,
                          return_alternates=return_alternates)
