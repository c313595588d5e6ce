"""The bench's stand-in hosts (nova.bench.scheduling) are hosts the
scheduler can choose: a service up, a compute node, a provider."""

from oslo_utils import uuidutils

from nova.bench import scheduling
from nova.tests.unit.scheduler import test_manager


def test_grow_adds_stand_ins_up_to_the_count(cells, scheduler_service):
    cells.add_compute('real')
    assert scheduling.grow(cells.ctxt, 3) == 2
    assert scheduling.grow(cells.ctxt, 3) == 0
    api = test_manager._ViaRPC()
    [host_list] = api.select_destinations(cells.ctxt, test_manager._spec(),
                                          [uuidutils.generate_uuid()])
    chosen = {s.service_host for s in host_list}
    # The stand-ins are much larger than 'real': they are chosen first.
    assert chosen == {'real', 'bench-sched-1', 'bench-sched-2'}
    assert host_list[0].service_host.startswith('bench-sched-')
