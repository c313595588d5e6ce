"""Cold migration in the conductor: a named host (API 2.56) reaches the
scheduler as the only host it may pick, and is not kept in the spec."""

import pytest

from nova import context as nova_context
from nova import exception, objects
from nova.compute import power_state, vm_states
from nova.conductor import rpcapi as conductor_rpcapi
from nova.conductor.tasks import migrate
from nova.tests.unit.conductor import test_stalled


def _active(cells):
    return test_stalled._cell1_instance(
        cells, vm_state=vm_states.ACTIVE, task_state='resize_prep',
        host='host1', node='host1', power_state=power_state.RUNNING)


@pytest.mark.parametrize('host, forced', [('host2', ['host2']),
                                          (None, None)])
def test_the_named_host_is_the_only_one_the_scheduler_may_pick(
        cells, placement, rpc_bus, monkeypatch, host, forced):
    cells.add_compute('host1')
    cells.add_compute('host2')
    instance = _active(cells)
    objects.InstanceMapping(cells.ctxt, instance_uuid=instance.uuid,
                            project_id='p', user_id='u',
                            cell_mapping=cells.cell1).create()
    objects.RequestSpec.from_components(
        cells.ctxt, instance.uuid, None, instance.flavor, 1, None, {}, 'p',
        'u').create()
    task = migrate.MigrateTask()
    seen = []

    def select(ctxt, spec, uuids, **kwargs):
        seen.append(spec.force_hosts)
        raise exception.NoValidHost(reason='stop here')
    monkeypatch.setattr(task.scheduler, 'select_destinations', select)
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        instance = objects.Instance.get_by_uuid(cctxt, instance.uuid)
    task.migrate_server(cells.ctxt, instance, instance.flavor, 'migration',
                        host=host)
    assert seen == [forced]
    spec = objects.RequestSpec.get_by_instance_uuid(cells.ctxt,
                                                    instance.uuid)
    assert not spec.force_hosts


def test_a_conductor_capped_below_1_1_cannot_take_a_host(monkeypatch):
    api = conductor_rpcapi.ComputeTaskAPI.__new__(
        conductor_rpcapi.ComputeTaskAPI)

    class Capped:
        def can_send_version(self, version):
            return version == '1.0'
    api.client = Capped()
    with pytest.raises(exception.NovaException, match='too old'):
        api.migrate_server(None, None, None, 'migration', host='host2')
