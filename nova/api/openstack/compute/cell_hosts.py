"""Services and compute nodes gathered from every cell, for the admin
resources (os-services, os-hypervisors, os-availability-zone,
os-aggregates). cell0 holds no services and is skipped."""

from oslo_log import log as logging

from nova import context as nova_context
from nova import exception, objects
from nova.scheduler.client import report

LOG = logging.getLogger(__name__)


def placement():
    """The process's Placement client (a seam the unit tests replace)."""
    return report.report_client_singleton()


def cells(ctxt):
    return [c for c in objects.CellMappingList.get_all(ctxt)
            if not c.is_cell0()]


def _gather(ctxt, fn, down_cells=None):
    """[(cell, result of fn(cctxt))] of the cells that answered; the
    uuids of the others are appended to ``down_cells`` when given."""
    by_uuid = {c.uuid: c for c in cells(ctxt)}
    results = nova_context.scatter_gather_cells(ctxt, list(by_uuid.values()),
                                                fn)
    answered = []
    for cell_uuid, result in results.items():
        if result is nova_context.did_not_respond_sentinel or \
                isinstance(result, Exception):
            LOG.warning('Cell %s did not answer (%s); its hosts are left '
                        'out', cell_uuid, result)
            if down_cells is not None:
                down_cells.append(cell_uuid)
            continue
        answered.append((by_uuid[cell_uuid], result))
    answered.sort(key=lambda pair: pair[0].id)
    return answered


def services(ctxt, down_cells=None):
    """[(cell, Service)] of every cell, in cell then id order; the
    cells that did not answer go to ``down_cells`` (see _gather)."""
    return [(cell, svc) for cell, svcs in _gather(
        ctxt, lambda cctxt: list(objects.ServiceList.get_all(cctxt)),
        down_cells)
        for svc in svcs]


def compute_nodes(ctxt):
    """[(cell, ComputeNode, Service or None)] of every cell."""
    def nodes_and_services(cctxt):
        svcs = {s.id: s for s in objects.ServiceList.get_by_binary(
            cctxt, 'nova-compute')}
        return [(n, svcs.get(n.service_id))
                for n in objects.ComputeNodeList.get_all(cctxt)]
    return [(cell, node, svc)
            for cell, pairs in _gather(ctxt, nodes_and_services)
            for node, svc in pairs]


def find_service(ctxt, host, binary):
    """(cell, Service) of ``binary`` on ``host``; ServiceNotFound."""
    for cell in cells(ctxt):
        with nova_context.target_cell(ctxt, cell) as cctxt:
            try:
                return cell, objects.Service.get_by_host_and_binary(
                    cctxt, host, binary)
            except exception.ServiceNotFound:
                continue
    raise exception.ServiceNotFound(service_id=f'{binary} on host {host}')


def compute_host_cell(ctxt, host):
    """The cell of compute ``host``; ComputeHostNotFound if none has it."""
    try:
        mapping = objects.HostMapping.get_by_host(ctxt, host)
    except exception.HostMappingNotFound:
        raise exception.ComputeHostNotFound(host=host)
    with nova_context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
        objects.Service.get_by_compute_host(cctxt, host)
    return mapping.cell_mapping
