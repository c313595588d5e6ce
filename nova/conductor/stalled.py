"""nova-conductor's deadline on what no compute can end by itself.

nova-compute ends the stalled tasks of the instances on its host
(:mod:`nova.compute.stalled`); what it cannot see is ended here, every
``task_state_poll_interval`` seconds, once ``task_state_timeout`` seconds
have passed with no change:

* a build request never scheduled (the request to nova-conductor was
  lost, or a conductor stopped while scheduling it): it is sent to the
  conductors again, once; if it is still not scheduled a timeout later,
  the server goes to cell0 in ERROR with a fault, and any allocation the
  scheduler had already claimed for it is removed;
* an instance mapping with no cell and no build request (a create cut off
  between the two writes): removed;
* a build that no compute took (no host: the request to the compute was
  lost) is sent again, once, to the host the scheduler claimed for it;
* an instance that holds a task or is building and that no compute took
  (again) or whose compute service is down: ERROR with a fault naming
  the cause; a build's allocation is
  removed, an instance on a host keeps it (the host still holds its disks)
  and its open migrations end in 'error' with one allocation left;
* a migration still on its way whose instance holds no task: 'error',
  with the same allocation rule.
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova import context as nova_context
from nova import exception, objects, servicegroup
from nova.compute import resize, task_states, vm_states
from nova.compute import utils as compute_utils
from nova.conductor.tasks import build
from nova.i18n import _

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class BuildNeverScheduled(exception.NovaException):
    msg_fmt = _('The server was not scheduled within %(timeout)d s: the '
                'request to nova-conductor was lost or the conductor '
                'stopped while scheduling it. Delete the server and create '
                'it again.')


class NeverTakenByCompute(exception.NovaException):
    msg_fmt = _('No compute host took up the %(task)s of this server '
                'within %(timeout)d s: the request to the compute service '
                'was lost.')


class ComputeDown(exception.NovaException):
    msg_fmt = _('The %(task)s of this server cannot finish: nova-compute on '
                'host %(host)s is down (no report for more than '
                '%(down)d s).')


def _naive(value):
    if value is not None and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


def end_stalled(ctxt, reportclient):
    """One pass; {what: how many} ended."""
    timeout = CONF.task_state_timeout
    counts = {'build_requests': 0, 'instance_mappings': 0, 'instances': 0,
              'migrations': 0}
    if timeout <= 0:
        return counts
    cutoff = timeutils.utcnow() - datetime.timedelta(seconds=timeout)
    naive_cutoff = _naive(cutoff)
    counts['build_requests'] = _end_unscheduled_builds(
        ctxt, reportclient, naive_cutoff, timeout)
    counts['instance_mappings'] = _remove_orphan_mappings(ctxt, naive_cutoff)
    for cell in objects.CellMappingList.get_all(ctxt):
        if cell.is_cell0():
            continue    # nothing runs there
        try:
            with nova_context.target_cell(ctxt, cell) as cctxt:
                counts['instances'] += _end_orphaned_tasks(
                    cctxt, reportclient, cutoff, timeout)
                counts['migrations'] += _end_orphan_migrations(
                    cctxt, reportclient, cutoff)
        except Exception:  # other cells; next pass again
            LOG.exception('Could not look for stalled instances in cell %s',
                          cell.uuid)
    if any(counts.values()):
        LOG.warning('Ended stalled work older than %d s: %s', timeout,
                    counts)
    return counts


def _created(obj):
    return _naive(obj.created_at) if obj.obj_attr_is_set('created_at') \
        else None


def _last_change(obj):
    value = obj.updated_at if obj.obj_attr_is_set('updated_at') else None
    return _naive(value) or _created(obj)


def _redrive(ctxt, build_request):
    """Send a stale build request to the conductors again (its first
    conductor stopped with it, or the message was lost); False when it
    has no request spec."""
    try:
        spec = objects.RequestSpec.get_by_instance_uuid(
            ctxt, build_request.instance_uuid)
    except exception.RequestSpecNotFound:
        return False
    image = compute_utils.build_image(spec, build_request.instance)
    from nova.conductor import rpcapi as conductor_rpcapi
    LOG.warning('Build request of %s was not scheduled in time; sending it '
                'to the conductors again', build_request.instance_uuid)
    # The request's admin password and injected files were not kept.
    conductor_rpcapi.ComputeTaskAPI().schedule_and_build_instances(
        ctxt, build_requests=[build_request], request_specs=[spec],
        image=image, admin_password=None, injected_files=[],
        requested_networks=None, block_device_mapping=[],
        tags=build_request.tags)
    return True


def _end_unscheduled_builds(ctxt, reportclient, cutoff, timeout):
    ended = 0
    for build_request in objects.BuildRequestList.get_all(ctxt):
        last = _last_change(build_request)
        if last is None or last > cutoff:
            continue
        # The attempt counts this re-drive; the instance made from it may
        # still be re-driven once in its cell (a cast to a stopping
        # compute), which its own marker counts.
        first_time = build_request.attempt == 0
        # From here on no conductor holding an earlier copy builds it
        # (each checks its attempt before it claims and before it creates
        # the instance); one that touched it meanwhile keeps it.
        if not build_request.supersede_if_stale(cutoff):
            continue
        # Whatever the scheduler claimed for it is of no use now (and a
        # new claim for the same consumer would conflict with it).
        _release(ctxt, reportclient, build_request.instance_uuid)
        if first_time:
            try:
                if _redrive(ctxt, build_request):
                    ended += 1
                    continue
            except Exception:  # bury it rather than try for ever
                LOG.exception('Could not send the build request of %s '
                              'again', build_request.instance_uuid)
        LOG.warning('Build request of %s was not scheduled within %d s',
                    build_request.instance_uuid, timeout)
        try:
            build.bury_in_cell0(ctxt, build_request,
                                BuildNeverScheduled(timeout=timeout),
                                tags=build_request.tags)
            ended += 1
        except Exception:  # next one; next pass again
            LOG.exception('Could not put %s in cell0',
                          build_request.instance_uuid)
    return ended


def _remove_orphan_mappings(ctxt, cutoff):
    removed = 0
    for mapping in objects.InstanceMappingList.get_by_cell_id(ctxt, None):
        created = _created(mapping)
        if created is None or created > cutoff:
            continue
        try:
            objects.BuildRequest.get_by_instance_uuid(ctxt,
                                                      mapping.instance_uuid)
            continue    # its build request is ended above
        except exception.BuildRequestNotFound:
            pass
        LOG.warning('Removing the mapping of %s: it has neither a cell nor '
                    'a build request', mapping.instance_uuid)
        mapping.destroy()
        removed += 1
    return removed


def _release(ctxt, reportclient, instance_uuid):
    try:
        reportclient.delete_allocation_for_instance(ctxt, instance_uuid)
    except Exception:  # an orphan allocation is logged
        LOG.exception('Could not remove the allocations of %s',
                      instance_uuid)


def _stalled_instances(cctxt, cutoff):
    found = {}
    for filters in ({'task_state': list(task_states.ALL)},
                    {'vm_state': vm_states.BUILDING}):
        filters.update({'deleted': False, 'changes-before': cutoff})
        for instance in objects.InstanceList.get_by_filters(cctxt, filters):
            found[instance.uuid] = instance
    return list(found.values())


def _end_orphaned_tasks(cctxt, reportclient, cutoff, timeout):
    liveness = servicegroup.API()
    up = {}
    ended = 0
    for instance in _stalled_instances(cctxt, cutoff):
        task = instance.task_state or _('build')
        if instance.host is None:
            try:
                if _redrive_to_claimed_host(cctxt, reportclient, instance):
                    ended += 1
                    continue
            except Exception:  # end it rather than try for ever
                LOG.exception('Could not send the build of %s again',
                              instance.uuid)
            exc = NeverTakenByCompute(task=task, timeout=timeout)
        else:
            if instance.host not in up:
                try:
                    service = objects.Service.get_by_compute_host(
                        cctxt, instance.host)
                    # Down only once it has been silent past the deadline
                    # too: a compute restarting ends (or re-drives) its
                    # instances' tasks itself.
                    up[instance.host] = (
                        liveness.service_is_up(service) or
                        not _silent_since(service, cutoff))
                except exception.NotFound:
                    up[instance.host] = False
            if up[instance.host]:
                continue    # nova-compute there owns it
            exc = ComputeDown(task=task, host=instance.host, down=timeout)
        if _set_error(cctxt, instance, exc):
            ended += 1
            if instance.host is None:
                _release(cctxt, reportclient, instance.uuid)
            else:
                resize.end_cut_off_moves(reportclient, cctxt, instance)
    return ended


def _end_orphan_migrations(cctxt, reportclient, cutoff):
    """Migrations still on their way, unchanged since ``cutoff``, whose
    instance no longer holds a task (nothing will move them on)."""
    ended = 0
    migrations = objects.MigrationList.get_by_filters(
        cctxt, {'status': resize.IN_PROGRESS_STATUSES})
    by_instance = {}
    for migration in migrations:
        last = _naive(migration.updated_at or migration.created_at)
        if last is None or last > _naive(cutoff):
            continue
        by_instance.setdefault(migration.instance_uuid, []).append(migration)
    for instance_uuid, open_migrations in by_instance.items():
        try:
            instance = objects.Instance.get_by_uuid(cctxt, instance_uuid)
        except exception.InstanceNotFound:
            instance = None
        if instance is not None and instance.task_state is not None:
            continue    # the instance's own deadline comes first
        if instance is not None and any(
                m.migration_type == 'live-migration' and
                m.status == 'post-migrating' and
                m.dest_compute == instance.host for m in open_migrations):
            continue    # its destination finishes it when it is back
        if instance is None:
            for migration in open_migrations:
                _release(cctxt, reportclient, migration.uuid)
                migration.status = 'error'
                migration.save()
                ended += 1
            continue
        LOG.warning('Migrations of instance %s are open with no task in '
                    'progress; ending them', instance_uuid)
        ended += resize.end_cut_off_moves(reportclient, cctxt, instance)
    return ended


def _silent_since(service, cutoff):
    """The service's last report is older than ``cutoff``."""
    last = service.last_seen_up if service.obj_attr_is_set(
        'last_seen_up') and service.last_seen_up else service.updated_at
    return last is None or _naive(last) <= _naive(cutoff)


def _redrive_to_claimed_host(cctxt, reportclient, instance):
    """Send a build no compute took to the host the scheduler claimed for
    it (its allocation in Placement says which), once; False when it
    cannot be (no claim, no request spec, sent again before)."""
    if instance.vm_state != vm_states.BUILDING or \
            compute_utils.was_redriven(instance):
        return False
    allocations = reportclient.get_allocations_for_consumer(cctxt,
                                                            instance.uuid)
    if not allocations:
        return False
    try:
        node = objects.ComputeNode.get_by_uuid(cctxt, next(iter(allocations)))
        spec = objects.RequestSpec.get_by_instance_uuid(cctxt, instance.uuid)
    except (exception.NotFound, exception.RequestSpecNotFound):
        return False
    expected = instance.task_state
    compute_utils.mark_redriven(instance)
    instance.task_state = task_states.SCHEDULING
    try:
        instance.save(expected_task_state=[expected])
    except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
        return True     # it moved on meanwhile
    image = compute_utils.build_image(spec, instance)
    LOG.warning('No compute took the build of %s; sending it to %s again',
                instance.uuid, node.host)
    from nova.compute import rpcapi as compute_rpcapi
    compute_rpcapi.ComputeAPI().build_and_run_instance(
        cctxt, instance=instance, host=node.host, image=image,
        request_spec=spec, filter_properties={}, admin_password=None,
        injected_files=[], requested_networks=None, security_groups=None,
        block_device_mapping=[], node=node.hypervisor_hostname,
        limits=None, host_list=None)
    return True


def _set_error(cctxt, instance, exc):
    LOG.warning('Ending the stalled %s of instance %s: %s',
                instance.task_state or 'build', instance.uuid,
                exc.format_message())
    expected_task = instance.task_state
    compute_utils.add_instance_fault_from_exc(cctxt, instance, exc)
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    try:
        # Only if nothing moved on meanwhile.
        instance.save(expected_task_state=[expected_task])
    except (exception.UnexpectedTaskStateError, exception.InstanceNotFound):
        return False
    return True
