"""nova-compute: runs instances on this host through a virt driver.

It never opens a database connection: every remotable object method goes
to nova-conductor over RPC, so a compromised hypervisor host holds no DB
credentials.
"""

import sys
import time

import oslo_messaging as messaging
from oslo_log import log as logging

from nova import config, context, exception, service
from nova.cmd import log_options
from nova.objects import base as objects_base

LOG = logging.getLogger(__name__)
CONF = config.CONF

PING_TIMEOUT = 5


def use_conductor_for_objects():
    """Send every remotable object call to nova-conductor."""
    from nova.conductor import rpcapi as conductor_rpcapi
    api = conductor_rpcapi.ConductorAPI()
    objects_base.NovaObject.indirection_api = api
    return api


def wait_for_conductor(api, host):
    """Return once nova-conductor answers; a call sent before it listens
    would be lost and only time out after rpc_response_timeout."""
    from nova import objects
    ctxt = context.get_admin_context()
    client = api.client.prepare(timeout=PING_TIMEOUT)
    waited = 0
    while True:
        try:
            client.call(ctxt, 'object_class_action_versions', objname='Service',
                        objmethod='get_by_host_and_binary',
                        object_versions={'Service': objects.Service.VERSION},
                        args=(host, 'nova-compute'), kwargs={})
            return
        except (exception.NotFound, messaging.RemoteError):
            return  # the conductor answered, which is all this asks
        except messaging.MessagingTimeout:
            waited += PING_TIMEOUT
            LOG.warning('nova-conductor has not answered for %ss; waiting '
                        'for it before starting', waited)
        except messaging.MessageDeliveryFailure:
            time.sleep(1)


def main():
    config.parse_args(sys.argv, configure_db=False)
    log_options()
    if CONF.database.connection or CONF.api_database.connection:
        LOG.warning('nova-compute ignores [database] and [api_database] '
                    'connection: it reaches the DBs through nova-conductor; '
                    'remove them from its configuration.')
    api = use_conductor_for_objects()
    wait_for_conductor(api, CONF.host)
    service.run([service.Service.create('nova-compute')])


if __name__ == '__main__':
    sys.exit(main())
