"""nova-conductor ends the builds and tasks that no compute can end:
real Placement, SQLite API DB and cells."""

import datetime

import pytest
import sqlalchemy as sa
from oslo_utils import uuidutils

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import power_state, task_states, vm_states
from nova.compute import utils as compute_utils
from nova.conductor import stalled
from nova.db.api import api as api_db
from nova.db.api import models as api_models
from nova.db.main import api as main_db
from nova.db.main import models as main_models
from nova.scheduler.client import report
from nova.tests.unit.conductor import test_build

CONF = nova.conf.CONF
TIMEOUT = 600
LONG_AGO = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - \
    datetime.timedelta(seconds=TIMEOUT + 60)


@pytest.fixture(autouse=True)
def _timeout():
    CONF.set_override('task_state_timeout', TIMEOUT)
    yield
    CONF.clear_override('task_state_timeout')


def _age_api_rows(ctxt, model, uuid):
    with api_db.context_manager.writer.using(ctxt) as session:
        session.execute(sa.update(model).where(
            model.instance_uuid == uuid).values(created_at=LONG_AGO))


def _age_instance(cctxt, uuid):
    with main_db.get_context_manager(cctxt).writer.using(cctxt) as session:
        session.execute(sa.update(main_models.Instance).where(
            main_models.Instance.uuid == uuid).values(
            created_at=LONG_AGO, updated_at=LONG_AGO))


def _claim(ctxt, node_uuid, consumer):
    assert report.report_client_singleton().claim_resources(
        ctxt, consumer, {'allocations': {node_uuid: {'resources': {
            'VCPU': 1, 'MEMORY_MB': 1024, 'DISK_GB': 10}}}}, 'p', 'u')


def _end(cells):
    return stalled.end_stalled(cells.ctxt, report.report_client_singleton())


def _age_build_request(ctxt, uuid):
    with api_db.context_manager.writer.using(ctxt) as session:
        session.execute(sa.update(api_models.BuildRequest).where(
            api_models.BuildRequest.instance_uuid == uuid).values(
            created_at=LONG_AGO, updated_at=LONG_AGO))


def test_a_build_request_never_scheduled_is_sent_again_once(
        cells, placement, rpc_bus, monkeypatch):
    node = cells.add_compute('host1')
    br, _spec = test_build._boot_request(cells.ctxt)
    # The scheduler had claimed before the conductor stopped.
    _claim(cells.ctxt, node, br.instance_uuid)
    _age_api_rows(cells.ctxt, api_models.BuildRequest, br.instance_uuid)
    sent = []
    monkeypatch.setattr(
        'nova.conductor.rpcapi.ComputeTaskAPI.schedule_and_build_instances',
        lambda self, ctxt, **kw: sent.append(kw))
    assert _end(cells)['build_requests'] == 1
    assert [b.instance_uuid for b in sent[0]['build_requests']] == [
        br.instance_uuid]
    assert test_build._allocations(placement, br.instance_uuid) == {}
    # Still there, a second attempt: the next time it is stale it is
    # buried. Its instance may still be re-driven once in its cell.
    again = objects.BuildRequest.get_by_instance_uuid(cells.ctxt,
                                                      br.instance_uuid)
    assert again.attempt == 1
    assert not compute_utils.was_redriven(again.instance)


def test_a_build_request_never_scheduled_twice_goes_to_cell0(
        cells, placement, rpc_bus, monkeypatch):
    node = cells.add_compute('host1')
    br, _spec = test_build._boot_request(cells.ctxt)
    monkeypatch.setattr(
        'nova.conductor.rpcapi.ComputeTaskAPI.schedule_and_build_instances',
        lambda self, ctxt, **kw: None)
    _age_api_rows(cells.ctxt, api_models.BuildRequest, br.instance_uuid)
    assert _end(cells)['build_requests'] == 1      # sent again
    _claim(cells.ctxt, node, br.instance_uuid)
    _age_build_request(cells.ctxt, br.instance_uuid)
    assert _end(cells)['build_requests'] == 1      # buried
    instance = test_build._instance_in(cells, cells.cell0, br.instance_uuid)
    assert instance.vm_state == vm_states.ERROR
    assert 'was not scheduled within 600 s' in instance.fault.message
    with pytest.raises(exception.BuildRequestNotFound):
        objects.BuildRequest.get_by_instance_uuid(cells.ctxt,
                                                  br.instance_uuid)
    assert test_build._allocations(placement, br.instance_uuid) == {}
    mapping = objects.InstanceMapping.get_by_instance_uuid(
        cells.ctxt, br.instance_uuid)
    assert mapping.cell_mapping.uuid == cells.cell0.uuid


def test_a_build_this_conductor_works_on_is_not_taken_for_lost(
        cells, placement, rpc_bus, monkeypatch):
    # A scheduler call that outlasts the timeout: the request is old, but
    # the conductor's periodic pass touches what it works on first.
    from nova.conductor import manager
    from nova.conductor.tasks import build
    node = cells.add_compute('host1')
    br, _spec = test_build._boot_request(cells.ctxt)
    _claim(cells.ctxt, node, br.instance_uuid)
    _age_build_request(cells.ctxt, br.instance_uuid)
    sent = []
    monkeypatch.setattr(
        'nova.conductor.rpcapi.ComputeTaskAPI.schedule_and_build_instances',
        lambda self, ctxt, **kw: sent.append(kw))
    conductor = manager.ConductorManager(host='c1')
    conductor._last_stalled_poll = float('-inf')
    with build.IN_FLIGHT.working_on([br.instance_uuid]):
        conductor._end_stalled(cells.ctxt)
    assert sent == []
    assert test_build._allocations(placement, br.instance_uuid) != {}
    # Once no conductor works on it, it is stale again a timeout later.
    _age_build_request(cells.ctxt, br.instance_uuid)
    conductor._last_stalled_poll = float('-inf')
    conductor._end_stalled(cells.ctxt)
    assert len(sent) == 1


def test_a_build_request_touched_meanwhile_is_not_sent_again(
        cells, placement, rpc_bus, monkeypatch):
    br, _spec = test_build._boot_request(cells.ctxt)
    _age_build_request(cells.ctxt, br.instance_uuid)
    stale = objects.BuildRequest.get_by_instance_uuid(cells.ctxt,
                                                      br.instance_uuid)
    objects.BuildRequest.touch_all(cells.ctxt, [br.instance_uuid])
    cutoff = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - \
        datetime.timedelta(seconds=TIMEOUT)
    assert not stale.supersede_if_stale(cutoff)
    assert objects.BuildRequest.get_by_instance_uuid(
        cells.ctxt, br.instance_uuid).attempt == 0


def test_a_young_build_request_is_left_to_the_conductor(cells, placement):
    br, _spec = test_build._boot_request(cells.ctxt)
    assert _end(cells) == {'build_requests': 0, 'instance_mappings': 0,
                           'instances': 0, 'migrations': 0}
    assert objects.BuildRequest.get_by_instance_uuid(cells.ctxt,
                                                     br.instance_uuid)


def test_a_mapping_with_neither_cell_nor_build_request_is_removed(
        cells, placement):
    uuid = uuidutils.generate_uuid()
    objects.InstanceMapping(cells.ctxt, instance_uuid=uuid, project_id='p',
                            user_id='u', cell_mapping=None).create()
    _age_api_rows(cells.ctxt, api_models.InstanceMapping, uuid)
    assert _end(cells)['instance_mappings'] == 1
    with pytest.raises(exception.InstanceMappingNotFound):
        objects.InstanceMapping.get_by_instance_uuid(cells.ctxt, uuid)


def _cell1_instance(cells, **kw):
    flavor = objects.Flavor(id=1, flavorid='1', name='m1.small', vcpus=1,
                            memory_mb=1024, root_gb=10, ephemeral_gb=0,
                            swap=0, extra_specs={})
    values = {'uuid': uuidutils.generate_uuid(), 'project_id': 'p',
              'user_id': 'u', 'display_name': 'vm', 'flavor': flavor,
              'vcpus': 1, 'memory_mb': 1024, 'root_gb': 10,
              'ephemeral_gb': 0, 'power_state': power_state.NOSTATE}
    values.update(kw)
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        instance = objects.Instance(cctxt, **values)
        instance.create()
        _age_instance(cctxt, instance.uuid)
    return instance


def test_a_build_no_compute_took_goes_to_error_and_frees_placement(
        cells, placement):
    node = cells.add_compute('host1')
    instance = _cell1_instance(cells, vm_state=vm_states.BUILDING,
                               task_state=task_states.SCHEDULING)
    _claim(cells.ctxt, node, instance.uuid)
    assert _end(cells)['instances'] == 1
    got = test_build._instance_in(cells, cells.cell1, instance.uuid)
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert 'No compute host took up the scheduling' in got.fault.message
    assert test_build._allocations(placement, instance.uuid) == {}


def test_a_task_on_a_down_compute_goes_to_error_naming_the_host(
        cells, placement):
    node = cells.add_compute('host1', up=False)
    instance = _cell1_instance(cells, vm_state=vm_states.ACTIVE,
                               task_state=task_states.REBOOTING,
                               host='host1', node='host1')
    _claim(cells.ctxt, node, instance.uuid)
    assert _end(cells)['instances'] == 1
    got = test_build._instance_in(cells, cells.cell1, instance.uuid)
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert 'nova-compute on host host1 is down' in got.fault.message
    # The host still holds the guest's disks: its allocation stays.
    assert list(test_build._allocations(placement, instance.uuid)) == [node]


def test_a_task_on_a_live_compute_is_left_to_that_compute(cells, placement):
    cells.add_compute('host1')
    instance = _cell1_instance(cells, vm_state=vm_states.ACTIVE,
                               task_state=task_states.REBOOTING,
                               host='host1', node='host1')
    assert _end(cells)['instances'] == 0
    got = test_build._instance_in(cells, cells.cell1, instance.uuid)
    assert got.task_state == task_states.REBOOTING


def test_the_cause_survives_a_newer_change(cells, placement):
    """An operation that moved on meanwhile keeps its state."""
    instance = _cell1_instance(cells, vm_state=vm_states.BUILDING,
                               task_state=task_states.SCHEDULING)
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        stale = objects.Instance.get_by_uuid(cctxt, instance.uuid)
        current = objects.Instance.get_by_uuid(cctxt, instance.uuid)
        current.task_state = task_states.SPAWNING
        current.host = 'host1'
        current.save()
        assert not stalled._set_error(cctxt, stale, stalled.ComputeDown(
            task='x', host='host1', down=1))
    got = test_build._instance_in(cells, cells.cell1, instance.uuid)
    assert (got.vm_state, got.task_state) == (vm_states.BUILDING,
                                              task_states.SPAWNING)


def test_a_build_that_cannot_be_sent_ends_in_its_cell_not_in_cell0(
        cells, placement, scheduler_service, monkeypatch):
    cells.add_compute('host1')
    conductor = test_build.manager.ComputeTaskManager()

    def unreachable(*args, **kwargs):
        raise RuntimeError('the message bus is unreachable')
    monkeypatch.setattr(conductor.builder.compute_rpcapi,
                        'build_and_run_instance', unreachable)
    br, spec = test_build._boot_request(cells.ctxt)
    test_build._build(conductor, cells.ctxt, br, spec)
    got = test_build._instance_in(cells, cells.cell1, br.instance_uuid)
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert 'could not be sent to nova-compute on host host1' in \
        got.fault.message
    with pytest.raises(exception.InstanceNotFound):
        test_build._instance_in(cells, cells.cell0, br.instance_uuid)
    mapping = objects.InstanceMapping.get_by_instance_uuid(
        cells.ctxt, br.instance_uuid)
    assert mapping.cell_mapping.uuid == cells.cell1.uuid
    assert test_build._allocations(placement, br.instance_uuid) == {}


def _open_resize(cells, instance, source, dest):
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        migration = objects.Migration(
            cctxt, instance_uuid=instance.uuid, source_compute=source,
            source_node=source, dest_compute=dest, dest_node=dest,
            status='migrating', migration_type='resize',
            uuid=uuidutils.generate_uuid())
        migration.create()
        with main_db.get_context_manager(cctxt).writer.using(
                cctxt) as session:
            session.execute(sa.update(main_models.Migration).where(
                main_models.Migration.id == migration.id).values(
                created_at=LONG_AGO, updated_at=LONG_AGO))
    return migration


def _migration(cells, migration):
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        return objects.Migration.get_by_id(cctxt, migration.id)


def test_an_open_migration_with_no_task_left_ends_with_one_allocation(
        cells, placement):
    source = cells.add_compute('host1')
    dest = cells.add_compute('host2')
    instance = _cell1_instance(cells, vm_state=vm_states.ERROR,
                               task_state=None, host='host1', node='host1')
    migration = _open_resize(cells, instance, 'host1', 'host2')
    _claim(cells.ctxt, dest, instance.uuid)
    _claim(cells.ctxt, source, migration.uuid)
    assert _end(cells)['migrations'] == 1
    assert _migration(cells, migration).status == 'error'
    assert list(test_build._allocations(placement, instance.uuid)) == [
        source]
    assert test_build._allocations(placement, migration.uuid) == {}


def test_a_move_on_a_down_compute_closes_its_migration(cells, placement):
    source = cells.add_compute('host1', up=False)
    dest = cells.add_compute('host2')
    instance = _cell1_instance(cells, vm_state=vm_states.ACTIVE,
                               task_state=task_states.RESIZE_MIGRATING,
                               host='host1', node='host1')
    migration = _open_resize(cells, instance, 'host1', 'host2')
    _claim(cells.ctxt, dest, instance.uuid)
    _claim(cells.ctxt, source, migration.uuid)
    counts = _end(cells)
    assert counts['instances'] == 1
    assert _migration(cells, migration).status == 'error'
    assert list(test_build._allocations(placement, instance.uuid)) == [
        source]


def test_a_migration_whose_instance_still_works_is_left_alone(
        cells, placement):
    cells.add_compute('host1')
    instance = _cell1_instance(cells, vm_state=vm_states.ACTIVE,
                               task_state=task_states.RESIZE_MIGRATING,
                               host='host1', node='host1')
    migration = _open_resize(cells, instance, 'host1', 'host2')
    assert _end(cells)['migrations'] == 0
    assert _migration(cells, migration).status == 'migrating'


def test_a_build_no_compute_took_is_sent_again_to_its_claimed_host(
        cells, placement, rpc_bus, monkeypatch):
    node = cells.add_compute('host1')
    instance = _cell1_instance(cells, vm_state=vm_states.BUILDING,
                               task_state=task_states.SCHEDULING)
    objects.RequestSpec.from_components(
        cells.ctxt, instance.uuid, None, instance.flavor, 1, None, {}, 'p',
        'u').create()
    _claim(cells.ctxt, node, instance.uuid)
    sent = []
    monkeypatch.setattr(
        'nova.compute.rpcapi.ComputeAPI.build_and_run_instance',
        lambda self, ctxt, **kw: sent.append(kw))
    assert _end(cells)['instances'] == 1
    assert [(kw['host'], kw['instance'].uuid) for kw in sent] == [
        ('host1', instance.uuid)]
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        got = objects.Instance.get_by_uuid(
            cctxt, instance.uuid, expected_attrs=['system_metadata'])
        assert got.vm_state == vm_states.BUILDING
        assert got.system_metadata[compute_utils.BUILD_REDRIVEN] == '1'
        _age_instance(cctxt, instance.uuid)
    # Sent once: the next time it goes to ERROR.
    assert _end(cells)['instances'] == 1
    assert len(sent) == 1
    got = test_build._instance_in(cells, cells.cell1, instance.uuid)
    assert got.vm_state == vm_states.ERROR
