"""Building an instance on this host (internals.rst, boot step 3).

claim -> network -> info cache -> spawning -> driver.spawn -> active.
A failure on this host gives the claim, network and guest back, then
either reschedules to an alternate host through the conductor or puts the
instance in ERROR with a fault saying why.
"""

import collections
import contextlib
import dataclasses
import sys
import threading
import typing

from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_utils import timeutils

from nova import exception, notifications, objects
from nova.compute import power_state, task_states, vm_states
from nova.compute import utils as compute_utils
from nova.i18n import _
from nova.scheduler import group_hosts

LOG = logging.getLogger(__name__)

BUILD_EVENT = 'compute__do_build_and_run_instance'

# Failures that would fail the same way on any host: no reschedule.
_NOT_RETRYABLE = (exception.BuildAbortException, exception.NoMoreFixedIps,
                  exception.NetworkNotFound, exception.ImageNotFound,
                  exception.Invalid)


class _Deleted(Exception):
    """The user deleted the instance while it was building."""


class _Superseded(Exception):
    """The instance is no longer this build's: something else ended it
    (a deadline, see :mod:`nova.conductor.stalled`) before or while it
    ran. The build stops and leaves the instance as it is."""


@dataclasses.dataclass
class BuildRequestArgs:
    """The arguments of build_and_run_instance beyond the instance.

    The password and the files' contents stay out of the repr, which is
    what a log line or traceback would show of this object.
    """
    image: typing.Any = None
    request_spec: typing.Any = None
    filter_properties: typing.Any = None
    admin_password: typing.Any = dataclasses.field(default=None, repr=False)
    injected_files: typing.Any = dataclasses.field(default=None, repr=False)
    requested_networks: typing.Any = None
    security_groups: typing.Any = None
    block_device_mapping: typing.Any = None
    node: typing.Any = None
    limits: typing.Any = None
    host_list: typing.Any = None


def build_and_run_instance(mgr, ctxt, instance, req):
    """Run one build to its end; never raises (runs in a pool thread)."""
    try:
        with mgr.instance_lock(instance.uuid):
            _build_with_event(mgr, ctxt, instance, req)
    except Exception:
        LOG.exception('Build of instance %s ended unexpectedly',
                      instance.uuid)


def _build_with_event(mgr, ctxt, instance, req):
    try:
        with compute_utils.EventReporter(ctxt, BUILD_EVENT, mgr.host,
                                         instance.uuid):
            _build(mgr, ctxt, instance, req)
        _count_build(mgr, req, None)
    except _Deleted as exc:
        LOG.info('Instance %s was deleted while it was building on %s',
                 instance.uuid, mgr.host)
        if isinstance(exc.__cause__, exception.InstanceNotFound):
            # Deleted without this host's help: its allocation is ours
            # to remove.
            _delete_allocations(mgr, ctxt, instance)
    except _Superseded as exc:
        # Neither reschedule nor ERROR: whoever ended it has recorded why.
        LOG.warning('Build of instance %s on %s stopped: %s', instance.uuid,
                    mgr.host, exc)
    except Exception as exc:  # noqa: BLE001 - any failure ends the build
        exc_info = sys.exc_info()
        _count_build(mgr, req, exc)
        notifications.notify_about_instance_action(
            ctxt, instance, mgr.host, 'create', 'error', exception=exc)
        alternates = _alternates(mgr, req)
        if alternates and not isinstance(exc, _NOT_RETRYABLE):
            _reschedule(mgr, ctxt, instance, req, alternates, exc, exc_info)
        else:
            _set_error(mgr, ctxt, instance, exc, exc_info, req)


def _count_build(mgr, req, exc):
    """Tell the resource tracker how the build went: builds failing here
    in a row make the scheduler's BuildFailureWeigher avoid this host.
    Failures that are not this host's (the request's own, a group policy
    raced by another build) do not count."""
    try:
        if exc is None:
            mgr.rt.build_succeeded(req.node)
        elif not isinstance(exc, (*_NOT_RETRYABLE, GroupPolicyViolation)):
            mgr.rt.build_failed(req.node)
    except Exception:  # only a weight: never fail the build for it
        LOG.exception('Could not count the build on %s', mgr.host)


def _build(mgr, ctxt, instance, req):
    notifications.notify_about_instance_action(
        ctxt, instance, mgr.host, 'create', 'start')
    claim = mgr.rt.instance_claim(ctxt, instance, req.node, req.limits)
    network_info = None
    spawned = False
    with claim:
        try:
            instance.vm_state = vm_states.BUILDING
            instance.task_state = task_states.NETWORKING
            with _group_checking(req.request_spec):
                # The conductor (and a reschedule) hand over in
                # 'scheduling'. The host is saved before the group check
                # so that the next build of the group here sees it.
                _save(instance, task_states.SCHEDULING)
                _check_group_policy(ctxt, req.request_spec,
                                    instance, mgr.host)

            network_info = mgr.network_api.allocate_for_instance(
                ctxt, instance, req.requested_networks)
            # The network info goes with the state change: one round trip
            # to the conductor for both.
            instance.info_cache = objects.InstanceInfoCache(
                ctxt, instance_uuid=instance.uuid,
                network_info=jsonutils.dumps(network_info or []))
            instance.task_state = task_states.SPAWNING
            _save(instance, task_states.NETWORKING)

            spawned = True
            mgr.driver.spawn(ctxt, instance, _image_meta(req.image),
                             req.injected_files, req.admin_password,
                             _allocations(mgr, ctxt, instance),
                             network_info=network_info,
                             block_device_info=None)

            instance.power_state = mgr.driver.get_info(instance).state
            instance.vm_state = vm_states.ACTIVE
            instance.task_state = None
            instance.launched_at = timeutils.utcnow()
            _save(instance, task_states.SPAWNING)
        except BaseException:
            _undo(mgr, ctxt, instance, network_info, spawned)
            raise
    mgr.rt.finish_claim(instance.uuid, claim.nodename)
    LOG.info('Instance %s is active on %s', instance.uuid, mgr.host)
    notifications.notify_about_instance_action(
        ctxt, instance, mgr.host, 'create', 'end')


# The late check of a server group's policy: schedulers racing on one
# group can place two members where the policy forbids it. Builds of one
# group on this host check one at a time, with their host saved, so that
# two of them cannot both pass; a violation reschedules.
_group_lock_guard = threading.Lock()
_group_locks = collections.defaultdict(threading.Lock)


class GroupPolicyViolation(exception.NovaException):
    msg_fmt = _('Server group %(group)s: its %(policy)s policy forbids '
                'host %(host)s (%(why)s).')


def _group_label(group):
    return f'{group.name} ({group.uuid})' if group.name else group.uuid


@contextlib.contextmanager
def _group_checking(spec):
    """Serialize the checks of one group's builds on this host."""
    group = group_hosts.group_of(spec)
    if group is None or group_hosts.policy_of(group) not in (
            'affinity', 'anti-affinity'):
        yield
        return
    with _group_lock_guard:
        group_lock = _group_locks[group.uuid]
    with group_lock:
        yield


def _check_group_policy(ctxt, spec, instance, host):
    """Raise GroupPolicyViolation if ``instance`` on ``host`` breaks the
    hard policy of its group (its host must already be saved)."""
    group = group_hosts.group_of(spec)
    policy = group_hosts.policy_of(group) if group is not None else None
    if policy not in ('affinity', 'anti-affinity'):
        return
    others = objects.InstanceGroup.get_hosts(ctxt, group.uuid,
                                             exclude=[instance.uuid])
    if policy == 'anti-affinity':
        limit = group_hosts.max_server_per_host(group)
        if others.get(host, 0) >= limit:
            raise GroupPolicyViolation(
                group=_group_label(group), policy=policy, host=host,
                why=_('%d other members already run there') %
                others[host] if others[host] > 1 else
                _('another member already runs there'))
    elif others and host not in others:
        raise GroupPolicyViolation(
            group=_group_label(group), policy=policy, host=host,
            why=_('the other members run on %s') % ', '.join(
                sorted(others)))


def _save(instance, expected_task_state):
    try:
        instance.save(expected_task_state=expected_task_state)
    except (exception.UnexpectedDeletingTaskStateError,
            exception.InstanceNotFound) as exc:
        raise _Deleted() from exc
    except exception.UnexpectedTaskStateError:
        # Deleted without this host (the API deletes an instance with no
        # host yet by itself): the row is gone, its task state cleared.
        try:
            current = objects.Instance.get_by_uuid(instance._context,
                                                   instance.uuid)
        except exception.InstanceNotFound as gone:
            raise _Deleted() from gone
        raise _Superseded(
            f'the instance is now {current.vm_state} with task '
            f'{current.task_state}, not {expected_task_state}') from None


def _image_meta(image):
    if isinstance(image, dict):
        try:
            return objects.ImageMeta.from_dict(image)
        except Exception:
            LOG.warning('Image %s has metadata nova cannot read; the '
                        'driver gets it as is', image.get('id'),
                        exc_info=True)
            return image
    return image


def _allocations(mgr, ctxt, instance):
    try:
        return mgr.reportclient.get_allocations_for_consumer(
            ctxt, instance.uuid)
    except Exception:
        # The driver only reads them; Placement being slow must not
        # fail a build the scheduler already placed.
        LOG.warning('Could not read the allocations of %s', instance.uuid,
                    exc_info=True)
        return {}


def _undo(mgr, ctxt, instance, network_info, spawned):
    """Remove what this host made for the instance (the claim is given
    back by the Claim context manager)."""
    if spawned:
        try:
            mgr.driver.destroy(ctxt, instance, network_info or [])
        except Exception:
            LOG.exception('Could not remove the guest of failed build %s',
                          instance.uuid)
    try:
        mgr.network_api.deallocate_for_instance(ctxt, instance)
    except Exception:
        LOG.exception('Could not release the network of failed build %s',
                      instance.uuid)


def _alternates(mgr, req):
    """The host list minus this host: where a reschedule may go."""
    return [sel for sel in (req.host_list or [])
            if not (sel.service_host == mgr.host
                    and sel.nodename in (req.node, None))]


def _clear_host(instance):
    instance.host = None
    instance.node = None
    instance.launched_on = None


def _delete_allocations(mgr, ctxt, instance):
    try:
        mgr.reportclient.delete_allocation_for_instance(ctxt, instance.uuid)
    except Exception:
        LOG.exception('Could not remove the allocations of instance %s',
                      instance.uuid)


def _reschedule(mgr, ctxt, instance, req, alternates, exc, exc_info):
    LOG.warning('Build of instance %s failed on %s (%s); rescheduling to '
                'one of %s', instance.uuid, mgr.host, exc,
                ', '.join(s.service_host for s in alternates))
    # The conductor claims the alternate's allocation; this host's
    # allocation must be gone first.
    _delete_allocations(mgr, ctxt, instance)
    reason = exception.RescheduledException(
        instance_uuid=instance.uuid,
        reason=_('host %(host)s failed: %(err)s') % {
            'host': mgr.host, 'err': compute_utils.exception_to_fault(
                exc)[1]})
    compute_utils.add_instance_fault_from_exc(ctxt, instance, reason,
                                              exc_info, host=mgr.host)
    instance_node = instance.node or req.node
    _clear_host(instance)
    instance.task_state = task_states.SCHEDULING
    try:
        instance.save()
    except (exception.InstanceNotFound,
            exception.UnexpectedDeletingTaskStateError):
        return
    spec = req.request_spec
    if spec is not None and 'retry_hosts' in spec.fields:
        tried = list(spec.retry_hosts) if spec.obj_attr_is_set(
            'retry_hosts') and spec.retry_hosts else []
        spec.retry_hosts = tried + [mgr.host]
    # The conductor reads why this host failed from the retry record.
    props = dict(req.filter_properties or {})
    retry = dict(props.get('retry') or {'num_attempts': 1, 'hosts': []})
    hosts = [list(h) for h in retry.get('hosts') or []]
    if [mgr.host, instance_node] not in hosts:
        hosts.append([mgr.host, instance_node])
    retry['hosts'] = hosts
    retry['exc_reason'] = compute_utils.exception_to_fault(exc)[1]
    props['retry'] = retry
    mgr.compute_task_api.build_instances(
        ctxt, instances=[instance], image=req.image,
        filter_properties=props,
        admin_password=req.admin_password,
        injected_files=req.injected_files,
        requested_networks=req.requested_networks,
        security_groups=req.security_groups,
        block_device_mapping=req.block_device_mapping,
        request_spec=spec, host_lists=[alternates])


def build_failure_message(host, exc):
    """What the fault says: where it failed, why, and if it was retried."""
    _code, detail = compute_utils.exception_to_fault(exc)
    if isinstance(exc, _NOT_RETRYABLE):
        return _('Build failed on host %(host)s: %(detail)s') % {
            'host': host, 'detail': detail}
    return _('Build failed on host %(host)s and no other host was left to '
             'try: %(detail)s') % {'host': host, 'detail': detail}


def _set_error(mgr, ctxt, instance, exc, exc_info, req):
    """ERROR with a fault; the allocation is removed and the host cleared
    so that a delete of the instance needs no compute."""
    LOG.error('Build of instance %s failed on %s: %s', instance.uuid,
              mgr.host, exc)
    compute_utils.add_instance_fault_from_exc(
        ctxt, instance, exc, exc_info,
        fault_message=build_failure_message(mgr.host, exc), host=mgr.host)
    _delete_allocations(mgr, ctxt, instance)
    set_error_state(instance)


def set_error_state(instance):
    """vm_state ERROR, no task, no host (deleting it needs no compute)."""
    _clear_host(instance)
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    instance.power_state = power_state.NOSTATE
    try:
        instance.save()
    except (exception.InstanceNotFound,
            exception.UnexpectedDeletingTaskStateError):
        LOG.info('Instance %s was deleted meanwhile', instance.uuid)
