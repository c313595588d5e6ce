"""Host discovery maps the compute hosts the API DB does not know."""

import pytest

import nova.conf
from nova import exception, objects
from nova.scheduler import host_discovery, manager

CONF = nova.conf.CONF


def test_unmapped_host_gets_mapped_once(cells):
    cells.add_compute('known')
    cells.add_compute('new', mapped=False, with_provider=False)
    with pytest.raises(exception.HostMappingNotFound):
        objects.HostMapping.get_by_host(cells.ctxt, 'new')
    created = host_discovery.discover_hosts(cells.ctxt)
    assert [m.host for m in created] == ['new']
    mapping = objects.HostMapping.get_by_host(cells.ctxt, 'new')
    assert mapping.cell_mapping.uuid == cells.cell1.uuid
    assert host_discovery.discover_hosts(cells.ctxt) == []


def test_scheduler_discovers_periodically_when_configured(cells):
    cells.add_compute('new', mapped=False, with_provider=False)
    CONF.set_override('discover_hosts_in_cells_interval', 60,
                      group='scheduler')
    try:
        manager.SchedulerManager(host='sched').periodic_tasks(cells.ctxt)
    finally:
        CONF.clear_override('discover_hosts_in_cells_interval',
                            group='scheduler')
    assert objects.HostMapping.get_by_host(cells.ctxt, 'new').cell_mapping


def test_scheduler_does_not_discover_by_default(cells):
    cells.add_compute('new', mapped=False, with_provider=False)
    manager.SchedulerManager(host='sched').periodic_tasks(cells.ctxt)
    with pytest.raises(exception.HostMappingNotFound):
        objects.HostMapping.get_by_host(cells.ctxt, 'new')
