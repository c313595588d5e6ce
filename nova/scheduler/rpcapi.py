"""Client side of the scheduler RPC API (topic ``scheduler``).

Version history:

* 1.0 - select_destinations
* 1.1 - select_destinations(dry_run=False): choose without claiming
"""

import oslo_messaging as messaging

import nova.conf
from nova import exception, rpc
from nova.i18n import _

CONF = nova.conf.CONF

RPC_TOPIC = 'scheduler'


class SchedulerAPI:
    """Asks nova-scheduler where to put instances."""

    VERSION = '1.1'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version=self.VERSION)
        version_cap = CONF.upgrade_levels.scheduler or None
        self.client = rpc.get_client(target, version_cap=version_cap)

    def select_destinations(self, ctxt, spec_obj, instance_uuids,
                            return_objects=True, return_alternates=True,
                            dry_run=False):
        """A list (one per instance) of lists [selected] + alternates of
        Selection; raises NoValidHost saying why no host fits.

        With ``dry_run`` nothing is claimed in Placement: what the
        scheduler would choose now (``instance_uuids`` only count the
        instances). A call with ``[DEFAULT] long_rpc_timeout``: on a
        large cloud filtering and claiming can take long; the scheduler
        sends heartbeats while it works, so a scheduler that died with the
        request is noticed within ``rpc_response_timeout``.
        """
        kwargs = {'spec_obj': spec_obj, 'instance_uuids': instance_uuids,
                  'return_objects': return_objects,
                  'return_alternates': return_alternates}
        version = '1.0'
        if dry_run:
            version = '1.1'
            if not self.client.can_send_version(version):
                raise exception.NovaException(_(
                    'The scheduler is too old for a dry run (it needs '
                    'scheduler RPC API 1.1; [upgrade_levels] scheduler '
                    'caps it lower).'))
            kwargs['dry_run'] = True
        cctxt = self.client.prepare(
            version=version, timeout=CONF.long_rpc_timeout,
            call_monitor_timeout=CONF.rpc_response_timeout)
        return cctxt.call(ctxt, 'select_destinations', **kwargs)
