"""Start-up recovery of instances a restart caught in the middle of a
move or another multi-step task: fake driver, SQLite cell DB, real
Placement."""

import pytest
from oslo_utils import uuidutils

from nova import objects
from nova.compute import power_state, recovery, task_states, vm_states
from nova.scheduler.client import report


@pytest.fixture
def instance(ctxt, host1):
    flavor = objects.Flavor(id=1, flavorid='1', name='m1.tiny',
                            memory_mb=512, vcpus=1, root_gb=1,
                            ephemeral_gb=0, swap=0)
    inst = objects.Instance(
        ctxt, uuid=uuidutils.generate_uuid(), project_id='p', user_id='u',
        vm_state=vm_states.ACTIVE, task_state=None,
        power_state=power_state.RUNNING, flavor=flavor, vcpus=1,
        memory_mb=512, root_gb=1, ephemeral_gb=0, display_name='vm',
        host=host1.host, node=host1.host)
    inst.create()
    host1.driver.spawn(ctxt, inst, None, [], None, {})
    return inst


def _restart_with(ctxt, host1, inst, task_state):
    inst.task_state = task_state
    inst.save()
    recovery.recover_instances(host1, ctxt)
    return objects.Instance.get_by_uuid(ctxt, inst.uuid,
                                        expected_attrs=['fault'])


@pytest.mark.parametrize('task_state', [task_states.RESIZE_MIGRATING,
                                        task_states.REBUILD_SPAWNING])
def test_an_interrupted_move_or_rebuild_ends_in_error_naming_it(
        ctxt, host1, instance, task_state):
    got = _restart_with(ctxt, host1, instance, task_state)
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert task_state in got.fault.message
    assert 'host1' in got.fault.message


def test_an_interrupted_power_off_keeps_the_guest_and_its_state(
        ctxt, host1, instance):
    got = _restart_with(ctxt, host1, instance, task_states.POWERING_OFF)
    assert (got.vm_state, got.task_state, got.power_state) == (
        vm_states.ACTIVE, None, power_state.RUNNING)


def test_an_interrupted_rescue_without_a_guest_is_error(
        ctxt, host1, instance):
    host1.driver.destroy(ctxt, instance, None)
    got = _restart_with(ctxt, host1, instance, task_states.RESCUING)
    assert (got.vm_state, got.task_state) == (vm_states.ERROR, None)
    assert 'rescuing' in got.fault.message


def test_an_interrupted_live_migration_stays_on_the_source(
        ctxt, host1, instance):
    migration = objects.Migration(
        ctxt, instance_uuid=instance.uuid, source_compute=host1.host,
        source_node=host1.host, status='running',
        migration_type='live-migration')
    migration.create()
    got = _restart_with(ctxt, host1, instance, task_states.MIGRATING)
    assert (got.vm_state, got.task_state, got.host) == (
        vm_states.ACTIVE, None, host1.host)
    assert 'live migration' in got.fault.message
    assert objects.Migration.get_by_id(ctxt, migration.id).status == 'error'


RESOURCES = {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1}


def _other_provider(ctxt):
    client = report.report_client_singleton()
    rp = uuidutils.generate_uuid()
    client.ensure_resource_provider(ctxt, rp, 'other-host')
    client.set_inventory_for_provider(ctxt, rp, {
        rc: {'total': 16 * 1024, 'reserved': 0, 'min_unit': 1,
             'max_unit': 16 * 1024, 'step_size': 1, 'allocation_ratio': 1.0}
        for rc in RESOURCES})
    return rp


def _move(ctxt, host1, instance, source, dest, instance_rp, migration_rp):
    """A resize from ``source`` to ``dest``: the instance holds the
    destination's allocation, the migration the source's."""
    client = report.report_client_singleton()
    migration = objects.Migration(
        ctxt, instance_uuid=instance.uuid, source_compute=source,
        source_node=source, dest_compute=dest, dest_node=dest,
        status='migrating', migration_type='resize',
        uuid=uuidutils.generate_uuid())
    migration.create()
    client.delete_allocation_for_instance(ctxt, instance.uuid)
    for consumer, rp in ((instance.uuid, instance_rp),
                         (migration.uuid, migration_rp)):
        assert client.claim_resources(ctxt, consumer, {'allocations': {
            rp: {'resources': RESOURCES}}}, 'p', 'u')
    return migration


def test_a_move_cut_off_on_the_source_gives_it_its_allocation_back(
        ctxt, host1, instance):
    client = report.report_client_singleton()
    source_rp = host1.rt.compute_nodes[host1.host].uuid
    migration = _move(ctxt, host1, instance, host1.host, 'other-host',
                      instance_rp=_other_provider(ctxt),
                      migration_rp=source_rp)
    got = _restart_with(ctxt, host1, instance, task_states.RESIZE_MIGRATING)
    assert got.vm_state == vm_states.ERROR
    assert list(client.get_allocations_for_consumer(
        ctxt, instance.uuid)) == [source_rp]
    assert client.get_allocations_for_consumer(ctxt, migration.uuid) == {}
    assert objects.Migration.get_by_id(ctxt, migration.id).status == 'error'


def test_a_move_cut_off_on_the_destination_drops_the_source_allocation(
        ctxt, host1, instance):
    client = report.report_client_singleton()
    dest_rp = host1.rt.compute_nodes[host1.host].uuid
    migration = _move(ctxt, host1, instance, 'other-host', host1.host,
                      instance_rp=dest_rp,
                      migration_rp=_other_provider(ctxt))
    got = _restart_with(ctxt, host1, instance, task_states.RESIZE_FINISH)
    assert got.vm_state == vm_states.ERROR
    assert list(client.get_allocations_for_consumer(
        ctxt, instance.uuid)) == [dest_rp]
    assert client.get_allocations_for_consumer(ctxt, migration.uuid) == {}
    assert objects.Migration.get_by_id(ctxt, migration.id).status == 'error'
