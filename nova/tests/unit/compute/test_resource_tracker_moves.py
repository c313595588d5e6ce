"""Move claims of the resource tracker (resize/migrate destination)."""

import pytest
from oslo_utils import uuidutils

from nova import exception, objects
from nova.tests.unit.compute.test_resource_tracker import HOST, _instance, conf, rt

objects.register_all()

assert conf and rt  # fixtures shared with the resource tracker's tests


def _flavor(vcpus=1, memory_mb=1024, root_gb=10):
    return objects.Flavor(id=7, flavorid='7', name='m1.moving', vcpus=vcpus,
                          memory_mb=memory_mb, root_gb=root_gb,
                          ephemeral_gb=0)


def test_a_move_claim_counts_the_new_flavor_until_finished(ctxt, rt):
    inst = _instance(ctxt)
    rt.move_claim(ctxt, inst, _flavor(), HOST, 'migration-1')
    node = rt.compute_nodes[HOST]
    assert node.vcpus_used == 1 and node.local_gb_used == 10
    rt.finish_move_claim('migration-1', inst.uuid, HOST)
    assert rt._tracked[HOST] == {inst.uuid: (1, 1024, 10)}
    assert 'migration-1' not in rt._in_flight[HOST]


def _migration(ctxt, inst, status='pre-migrating'):
    migration = objects.Migration(
        ctxt, instance_uuid=inst.uuid, source_compute='elsewhere',
        source_node='elsewhere', dest_compute=HOST, dest_node=HOST,
        status=status, migration_type='resize',
        uuid=uuidutils.generate_uuid())
    migration.create()
    return migration


def test_a_move_claim_survives_a_periodic_update(ctxt, rt):
    inst = _instance(ctxt)
    migration = _migration(ctxt, inst)
    rt.move_claim(ctxt, inst, _flavor(), HOST, migration.uuid)
    rt.update_available_resource(ctxt)
    assert rt.compute_nodes[HOST].vcpus_used == 1


@pytest.mark.parametrize('status', ['error', 'failed', 'cancelled'])
def test_a_move_claim_ends_when_the_source_ended_its_migration(
        ctxt, rt, status):
    # The source failed after this host prepared the move: nobody tells
    # this host, the next periodic update gives the resources back.
    inst = _instance(ctxt)
    migration = _migration(ctxt, inst)
    rt.move_claim(ctxt, inst, _flavor(), HOST, migration.uuid)
    migration.status = status
    migration.save()
    rt.update_available_resource(ctxt)
    assert rt.compute_nodes[HOST].vcpus_used == 0
    assert migration.uuid not in rt._in_flight[HOST]
    # And a later claim of the whole host fits again.
    rt.move_claim(ctxt, _instance(ctxt), _flavor(), HOST, 'another-move')


def test_a_move_claim_that_does_not_fit_says_what_is_short(ctxt, rt):
    with pytest.raises(exception.ComputeResourcesUnavailable) as err:
        rt.move_claim(ctxt, _instance(ctxt), _flavor(memory_mb=999999),
                      HOST, 'migration-3')
    assert 'MB of memory' in err.value.format_message()
    assert rt.compute_nodes[HOST].vcpus_used == 0


def test_an_aborted_move_claim_gives_the_resources_back(ctxt, rt):
    claim = rt.move_claim(ctxt, _instance(ctxt), _flavor(), HOST,
                          'migration-4')
    claim.abort()
    assert rt.compute_nodes[HOST].vcpus_used == 0
