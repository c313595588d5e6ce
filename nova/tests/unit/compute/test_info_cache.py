"""Healing of the network info cache by the compute's periodic task:
fake driver, flat network, SQLite cell DB."""

from oslo_serialization import jsonutils

from nova import objects
from nova.compute import info_cache
from nova.tests.unit.compute import test_manager


def _cache(ctxt, uuid):
    return jsonutils.loads(objects.InstanceInfoCache.get_by_instance_uuid(
        ctxt, uuid).network_info)


def _lose_cache(ctxt, uuid):
    cache = objects.InstanceInfoCache.get_by_instance_uuid(ctxt, uuid)
    cache.network_info = '[]'
    cache.save()


def test_a_lost_cache_is_rebuilt_from_the_network(ctxt, host1):
    inst = test_manager._build(host1, ctxt, test_manager._instance(ctxt))
    built = _cache(ctxt, inst.uuid)
    assert len(built) == 1
    _lose_cache(ctxt, inst.uuid)
    assert info_cache.Healer().heal_one(host1, ctxt) == inst.uuid
    assert _cache(ctxt, inst.uuid) == built


def test_a_right_cache_is_left_as_it_is(ctxt, host1):
    inst = test_manager._build(host1, ctxt, test_manager._instance(ctxt))
    before = objects.InstanceInfoCache.get_by_instance_uuid(ctxt, inst.uuid)
    assert info_cache.Healer().heal_one(host1, ctxt) is None
    after = objects.InstanceInfoCache.get_by_instance_uuid(ctxt, inst.uuid)
    assert after.updated_at == before.updated_at


def test_each_pass_heals_the_next_instance_of_the_round(ctxt, host1):
    first = test_manager._build(host1, ctxt, test_manager._instance(ctxt))
    second = test_manager._build(host1, ctxt, test_manager._instance(ctxt))
    for inst in (first, second):
        _lose_cache(ctxt, inst.uuid)
    healer = info_cache.Healer()
    healed = {healer.heal_one(host1, ctxt), healer.heal_one(host1, ctxt)}
    assert healed == {first.uuid, second.uuid}


def test_an_instance_being_deleted_is_skipped(ctxt, host1):
    inst = test_manager._build(host1, ctxt, test_manager._instance(ctxt))
    _lose_cache(ctxt, inst.uuid)
    inst.task_state = 'deleting'
    inst.save()
    assert info_cache.Healer().heal_one(host1, ctxt) is None
    assert _cache(ctxt, inst.uuid) == []
