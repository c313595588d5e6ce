"""Choosing and claiming a destination host: what the move tasks share."""

from nova import exception, objects
from nova.i18n import _


def request_spec_for(ctxt, instance):
    """The instance's request spec, or one built from the instance when
    the API DB has none."""
    try:
        return objects.RequestSpec.get_by_instance_uuid(ctxt, instance.uuid)
    except exception.RequestSpecNotFound:
        return objects.RequestSpec.from_components(
            ctxt, instance.uuid, None, instance.flavor, 1,
            instance.availability_zone, {}, instance.project_id,
            instance.user_id)


def cell_of(ctxt, instance):
    """The uuid of the cell the instance lives in (a move stays there):
    the move tasks target the instance's context at it; otherwise its
    mapping says, or None when it has no cell."""
    cell_uuid = getattr(instance._context, 'cell_uuid', None)
    if cell_uuid is not None:
        return cell_uuid
    try:
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            ctxt, instance.uuid)
    except exception.InstanceMappingNotFound:
        return None
    cell = mapping.cell_mapping
    return cell.uuid if cell is not None else None


def schedule_away_from_source(scheduler, ctxt, instance, host=None):
    """(host, node) the scheduler picks for ``instance`` anywhere but its
    current host, or on ``host`` when one is asked for."""
    spec = request_spec_for(ctxt, instance)
    spec.requested_cell = cell_of(ctxt, instance)
    spec.ignore_hosts = [instance.host]
    spec.force_hosts = [host] if host else None
    spec.retry_hosts = []
    selections = scheduler.select_destinations(
        ctxt, spec, [instance.uuid], return_objects=True,
        return_alternates=False)
    selection = selections[0][0]
    return selection.service_host, selection.nodename


def claim_on_forced_host(reportclient, cctxt, instance, host, allocations):
    """Claim, for the instance, the resources of ``allocations`` (what it
    holds now) on ``host``'s node, unchecked by the scheduler as an admin's
    forced host is; return (host, node)."""
    nodes = objects.ComputeNodeList.get_all_by_host(cctxt, host)
    if not nodes:
        raise exception.ComputeHostNotFound(host=host)
    node = nodes[0]
    resources = {}
    for alloc in (allocations or {}).values():
        for rc, amount in alloc.get('resources', {}).items():
            resources[rc] = resources.get(rc, 0) + amount
    if resources and not reportclient.claim_resources(
            cctxt, instance.uuid,
            {'allocations': {node.uuid: {'resources': resources}}},
            instance.project_id, instance.user_id):
        raise exception.NoValidHost(
            reason=_('the resources of the server do not fit on host '
                     '%s.') % host)
    return host, node.hypervisor_hostname
