"""nova-compute's deadline on task states: what runs here, and what stalled.

A task_state says an operation is in progress. When the request that
should carry it on was lost (a message the bus dropped, a service that
stopped between two steps) nothing would ever clear it. nova-compute
knows which operations it is running (:class:`Operations`: every RPC
method that takes an instance, and the builds and live migrations in its
pool); an instance on this host that holds a task_state or is still
building, that no operation here is working on, and that has not changed
for ``task_state_timeout`` seconds, is ended the way a restart ends it
(:func:`nova.compute.recovery.end_task`): a lost delete is finished, a
lost build goes to ERROR, other tasks are cleared (ERROR when the outcome
is unknown), each with a fault that names the cause.
"""

import collections
import contextlib
import datetime
import functools
import inspect
import threading

from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova import objects
from nova.compute import recovery, task_states, vm_states
from nova.i18n import _

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class Operations:
    """The instances an operation of this service is working on."""

    def __init__(self):
        self._lock = threading.Lock()
        self._running = collections.Counter()

    def enter(self, instance_uuid):
        with self._lock:
            self._running[instance_uuid] += 1

    def exit(self, instance_uuid):
        with self._lock:
            self._running[instance_uuid] -= 1
            if self._running[instance_uuid] <= 0:
                del self._running[instance_uuid]

    @contextlib.contextmanager
    def running(self, instance_uuid):
        self.enter(instance_uuid)
        try:
            yield
        finally:
            self.exit(instance_uuid)

    def __contains__(self, instance_uuid):
        with self._lock:
            return instance_uuid in self._running


def _instance_uuid(args, kwargs):
    instance = kwargs.get('instance', args[0] if args else None)
    return getattr(instance, 'uuid', None)


def tracked(method):
    """Count ``method`` (an RPC method taking ``instance``) as an
    operation on that instance while it runs."""
    @functools.wraps(method)
    def wrapper(self, context, *args, **kwargs):
        uuid = _instance_uuid(args, kwargs)
        if uuid is None:
            return method(self, context, *args, **kwargs)
        with self.operations.running(uuid):
            return method(self, context, *args, **kwargs)
    return wrapper


def track_instance_operations(cls):
    """Class decorator: every public method of ``cls`` whose second
    parameter is ``instance`` becomes :func:`tracked`."""
    for name, member in list(vars(cls).items()):
        if name.startswith('_') or not inspect.isfunction(member):
            continue
        params = list(inspect.signature(member).parameters)
        if params[2:3] == ['instance']:
            setattr(cls, name, tracked(member))
    return cls


def stalled_instances(ctxt, host, timeout):
    """Instances of ``host`` in a task (or building) unchanged for
    ``timeout`` seconds."""
    cutoff = timeutils.utcnow() - datetime.timedelta(seconds=timeout)
    found = {}
    for filters in ({'task_state': list(task_states.ALL)},
                    {'vm_state': vm_states.BUILDING}):
        filters.update({'host': host, 'deleted': False,
                        'changes-before': cutoff})
        for instance in objects.InstanceList.get_by_filters(ctxt, filters):
            found[instance.uuid] = instance
    return list(found.values())


def stalled_cause(host, timeout):
    return _('nothing happened for %(timeout)d s on host %(host)s (the '
             'request was lost or the operation stopped)') % {
        'timeout': timeout, 'host': host}


def end_stalled_tasks(mgr, ctxt):
    """End the stalled tasks of this host's instances; how many."""
    timeout = CONF.task_state_timeout
    if timeout <= 0:
        return 0
    ended = 0
    from nova.compute import live_migration
    try:
        # The source moved them here while this service did not answer.
        live_migration.finish_at_start(
            mgr, ctxt, updated_before=timeutils.utcnow() -
            datetime.timedelta(seconds=timeout))
    except Exception:
        LOG.exception('Could not finish the live migrations that arrived '
                      'at %s', mgr.host)
    for instance in stalled_instances(ctxt, mgr.host, timeout):
        if instance.uuid in mgr.operations:
            continue
        LOG.warning('Instance %s has held task %s (vm_state %s) for more '
                    'than %d s with no operation working on it; ending it',
                    instance.uuid, instance.task_state, instance.vm_state,
                    timeout)
        try:
            with mgr.operations.running(instance.uuid):
                recovery.end_task(mgr, ctxt, instance,
                                  stalled_cause(mgr.host, timeout))
            ended += 1
        except Exception:  # next instance; the next poll tries again
            LOG.exception('Could not end the stalled task of %s',
                          instance.uuid)
    return ended
