"""Base class of the RPC managers (conductor, scheduler, compute)."""

from oslo_log import log as logging
from oslo_service import periodic_task

import nova.conf

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class Manager(periodic_task.PeriodicTasks):
    """An RPC endpoint with periodic tasks and start/stop hooks.

    Subclasses set ``target`` (an ``oslo_messaging.Target`` with the API
    version) and ``service_name``.
    """
    service_name = None

    def __init__(self, host=None, service_name=None):
        super().__init__(CONF)
        self.host = host or CONF.host
        if service_name:
            self.service_name = service_name

    def periodic_tasks(self, context, raise_on_error=False):
        return self.run_periodic_tasks(context, raise_on_error=raise_on_error)

    def init_host(self, service_ref=None):
        """Called before the RPC server starts."""

    def cleanup_host(self):
        """Called after the RPC server stops."""

    def pre_start_hook(self, service_ref=None):
        """Called after the services row exists, before RPC serving."""

    def post_start_hook(self):
        """Called once RPC is being served."""

    def reset(self):
        """Called on SIGHUP after configuration has been reloaded."""
