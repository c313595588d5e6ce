"""Host states: nodes joined with their instances, aggregates and what
Placement said."""

from oslo_utils import uuidutils

from nova import objects
from nova.scheduler import host_manager


def _instance(cells, host, vm_state='active', task_state=None):
    inst = objects.Instance(cells.ctxt, uuid=uuidutils.generate_uuid(),
                            host=host, node=host, vm_state=vm_state,
                            task_state=task_state, project_id='p',
                            user_id='u', memory_mb=1, vcpus=1, root_gb=1,
                            ephemeral_gb=0)
    inst.create()
    return inst


def test_host_state_counts_instances_io_and_aggregates(cells):
    node = cells.add_compute('a')
    other = cells.add_compute('b')
    busy = _instance(cells, 'a', 'building', 'spawning')
    _instance(cells, 'a')
    gone = _instance(cells, 'a')
    gone.destroy()
    agg = objects.Aggregate(cells.ctxt, name='fast',
                            metadata={'ssd': 'true'})
    agg.create()
    agg.add_host('a')
    areqs = [{'allocations': {rp: {'resources': {'VCPU': 1}}}}
             for rp in (node, other)]
    summaries = {node: {'resources': {'VCPU': {'capacity': 8, 'used': 2}},
                        'traits': ['CUSTOM_GOLD']},
                 other: {'resources': {}, 'traits': []}}
    states, missing, failed = host_manager.HostManager().get_host_states(
        cells.ctxt, areqs, summaries)
    by_host = {s.host: s for s in states}
    a = by_host['a']
    assert (missing, failed) == ([], [])
    assert a.num_instances == 2 and busy.uuid in a.instances
    assert a.num_io_ops == 1
    assert a.aggregate_metadata('ssd') == {'true'}
    assert a.traits == {'CUSTOM_GOLD'}
    assert a.free_vcpus == 6
    assert a.hypervisor_type == 'fake'
    assert by_host['b'].num_instances == 0
