"""Map the compute hosts of the cells that have no host mapping yet.

A new compute registers its service in its cell DB only; until its host
is mapped in the API DB the conductor cannot find the cell of an
instance scheduled there. nova-scheduler runs this periodically when
``[scheduler] discover_hosts_in_cells_interval`` is set; an operator's
``nova-manage cell_v2 discover_hosts`` can run it too.
"""

from oslo_log import log as logging

from nova import context as nova_context
from nova import exception, objects

LOG = logging.getLogger(__name__)


def discover_hosts(ctxt, cell_uuid=None, status_fn=None):
    """Create the missing HostMappings; return the ones created.

    ``status_fn(message)``, if given, is told of each step (nova-manage
    prints them with --verbose).
    """
    status = status_fn or (lambda message: None)
    created = []
    cells = [cell for cell in objects.CellMappingList.get_all(ctxt)
             if not cell.is_cell0()
             and not (cell_uuid and cell.uuid != cell_uuid)]
    status(f'Found {len(cells)} cell mappings.')
    for cell in cells:
        status(f'Getting computes from cell {cell.identity}')
        with nova_context.target_cell(ctxt, cell) as cctxt:
            services = objects.ServiceList.get_by_binary(cctxt,
                                                         'nova-compute')
        for host in sorted({svc.host for svc in services}):
            try:
                objects.HostMapping.get_by_host(ctxt, host)
                continue
            except exception.HostMappingNotFound:
                pass
            mapping = objects.HostMapping(ctxt, host=host,
                                          cell_mapping=cell)
            try:
                mapping.create()
            except Exception:
                # Another scheduler mapped it first (unique host).
                LOG.debug('Host %s was mapped meanwhile', host,
                          exc_info=True)
                continue
            LOG.info('Mapped compute host %s to cell %s', host,
                     cell.identity)
            status(f'Mapped host {host} to cell {cell.identity}')
            created.append(mapping)
    return created
