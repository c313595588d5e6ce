import datetime
import threading

import pytest
from oslo_utils import uuidutils

from nova import context, exception, objects
from nova.compute import flavors, task_states, vm_states


def _instance(ctxt, **kw):
    flavors.create_default_flavors(ctxt)
    flavor = objects.Flavor.get_by_flavor_id(ctxt, kw.pop('flavorid', '1'))
    values = {
        'uuid': uuidutils.generate_uuid(), 'user_id': 'fake-user',
        'project_id': 'fake-project', 'display_name': 'vm',
        'vm_state': vm_states.BUILDING, 'task_state': task_states.SCHEDULING,
        'power_state': 0, 'flavor': flavor, 'memory_mb': flavor.memory_mb,
        'vcpus': flavor.vcpus, 'root_gb': flavor.root_gb,
        'instance_type_id': flavor.id, 'metadata': {'role': 'web'},
        'system_metadata': {'image_os': 'cirros'}, 'tags': ['blue']}
    values.update(kw)
    instance = objects.Instance(ctxt, **values)
    instance.create()
    return instance


def test_create_writes_extras(ctxt):
    inst = _instance(ctxt)
    found = objects.Instance.get_by_uuid(
        ctxt, inst.uuid, expected_attrs=['metadata', 'system_metadata',
                                         'flavor', 'info_cache', 'fault',
                                         'tags'])
    assert found.metadata == {'role': 'web'}
    assert found.system_metadata == {'image_os': 'cirros'}
    assert found.flavor.name == 'm1.tiny'
    assert found.info_cache.network_info == '[]'
    assert found.fault is None
    assert found.tags == ['blue']


def test_extras_load_lazily(ctxt):
    inst = _instance(ctxt)
    found = objects.Instance.get_by_uuid(ctxt, inst.uuid)
    assert not found.obj_attr_is_set('metadata')
    assert found.metadata == {'role': 'web'}
    assert found.flavor.flavorid == '1'


def test_get_missing_raises(ctxt):
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(ctxt, uuidutils.generate_uuid())


def test_save_writes_columns_and_metadata(ctxt):
    inst = _instance(ctxt)
    inst.display_name = 'renamed'
    inst.metadata = {'role': 'db', 'tier': '1'}
    inst.save()
    found = objects.Instance.get_by_uuid(ctxt, inst.uuid,
                                         expected_attrs=['metadata'])
    assert found.display_name == 'renamed'
    assert found.metadata == {'role': 'db', 'tier': '1'}
    assert found.updated_at is not None


def test_save_expected_task_state_matches(ctxt):
    inst = _instance(ctxt)
    inst.task_state = task_states.SPAWNING
    inst.save(expected_task_state=[task_states.SCHEDULING, None])
    assert objects.Instance.get_by_uuid(ctxt, inst.uuid).task_state == \
        task_states.SPAWNING


def test_save_expected_task_state_mismatch_changes_nothing(ctxt):
    inst = _instance(ctxt)
    stale = objects.Instance.get_by_uuid(ctxt, inst.uuid)
    inst.task_state = task_states.SPAWNING
    inst.save()
    stale.task_state = task_states.REBOOTING
    stale.display_name = 'lost'
    with pytest.raises(exception.UnexpectedTaskStateError):
        stale.save(expected_task_state=[task_states.SCHEDULING])
    found = objects.Instance.get_by_uuid(ctxt, inst.uuid)
    assert (found.task_state, found.display_name) == \
        (task_states.SPAWNING, 'vm')


def test_save_while_deleting_raises_deleting_error(ctxt):
    inst = _instance(ctxt)
    other = objects.Instance.get_by_uuid(ctxt, inst.uuid)
    inst.task_state = task_states.DELETING
    inst.save()
    other.task_state = task_states.SPAWNING
    with pytest.raises(exception.UnexpectedDeletingTaskStateError):
        other.save(expected_task_state=task_states.SCHEDULING)


def test_compare_and_swap_lets_one_of_many_threads_win(file_ctxt):
    ctxt = file_ctxt
    inst = _instance(ctxt)
    wins, losses = [], []

    def attempt(i):
        mine = objects.Instance.get_by_uuid(ctxt, inst.uuid)
        mine.task_state = f'state-{i}'
        try:
            mine.save(expected_task_state=[task_states.SCHEDULING])
            wins.append(i)
        except exception.UnexpectedTaskStateError:
            losses.append(i)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and len(losses) == 4


def test_save_expected_vm_state(ctxt):
    inst = _instance(ctxt)
    inst.vm_state = vm_states.ACTIVE
    with pytest.raises(exception.UnexpectedTaskStateError):
        inst.save(expected_vm_state=[vm_states.STOPPED])


def test_destroy_soft_deletes(ctxt):
    inst = _instance(ctxt)
    inst.vm_state = vm_states.DELETED
    inst.destroy()
    assert inst.deleted and inst.deleted_at is not None
    assert inst.vm_state == vm_states.DELETED
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(ctxt, inst.uuid)
    admin = ctxt.elevated(read_deleted='yes')
    found = objects.Instance.get_by_uuid(admin, inst.uuid)
    assert found.deleted and found.vm_state == vm_states.DELETED
    with pytest.raises(exception.InstanceNotFound):
        inst.destroy()


def test_refresh_reads_changes_of_others(ctxt):
    inst = _instance(ctxt)
    other = objects.Instance.get_by_uuid(ctxt, inst.uuid)
    other.host = 'host2'
    other.save()
    inst.refresh()
    assert inst.host == 'host2'


def test_info_cache_save(ctxt):
    inst = _instance(ctxt)
    cache = objects.InstanceInfoCache.get_by_instance_uuid(ctxt, inst.uuid)
    cache.network_info = '[{"id": "x"}]'
    cache.save()
    assert objects.InstanceInfoCache.get_by_instance_uuid(
        ctxt, inst.uuid).network_info == '[{"id": "x"}]'


def test_fault_latest(ctxt):
    inst = _instance(ctxt)
    for message in ('first', 'second' * 100):
        objects.InstanceFault(ctxt, instance_uuid=inst.uuid, code=500,
                              message=message, details='tb',
                              host='h').create()
    fault = objects.InstanceFault.get_latest_for_instance(ctxt, inst.uuid)
    assert fault.message.startswith('second') and len(fault.message) == 255
    assert objects.Instance.get_by_uuid(
        ctxt, inst.uuid, expected_attrs=['fault']).fault.id == fault.id


def test_fault_none_when_absent(ctxt):
    inst = _instance(ctxt)
    assert objects.InstanceFault.get_latest_for_instance(
        ctxt, inst.uuid) is None


# InstanceList ---------------------------------------------------------------

def _many(ctxt):
    base = datetime.datetime(2026, 1, 1)
    made = []
    for i, (name, host, project) in enumerate(
            [('web-1', 'h1', 'p1'), ('web-2', 'h2', 'p1'),
             ('db-1', 'h1', 'p2'), ('db-2', None, 'p1')]):
        made.append(_instance(ctxt, display_name=name, host=host,
                              project_id=project,
                              created_at=base + datetime.timedelta(hours=i)))
    return made


def test_list_filters(ctxt):
    made = _many(ctxt)
    get = objects.InstanceList.get_by_filters
    assert [i.display_name for i in get(ctxt, {'project_id': 'p1'})] == \
        ['db-2', 'web-2', 'web-1']
    assert {i.display_name for i in get(ctxt, {'name': '^web'})} == \
        {'web-1', 'web-2'}
    assert {i.display_name for i in get(ctxt, {'host': 'h1'})} == \
        {'web-1', 'db-1'}
    assert len(get(ctxt, {'uuid': [made[0].uuid, made[1].uuid]})) == 2
    assert len(get(ctxt, {'vm_state': [vm_states.BUILDING]})) == 4
    assert len(get(ctxt, {'vm_state': vm_states.ACTIVE})) == 0
    assert len(get(ctxt, {'tags': ['blue']})) == 4
    assert len(get(ctxt, {'instance_type_id': made[0].instance_type_id}))\
        == 4


def test_list_deleted_filter(ctxt):
    made = _many(ctxt)
    made[0].destroy()
    get = objects.InstanceList.get_by_filters
    assert len(get(ctxt, {})) == 3
    assert [i.uuid for i in get(ctxt, {'deleted': True})] == [made[0].uuid]


def test_list_changes_since_includes_deleted(ctxt):
    made = _many(ctxt)
    made[3].destroy()
    since = datetime.datetime(2026, 1, 1, 2, 30)
    found = objects.InstanceList.get_by_filters(
        ctxt, {'changes-since': since})
    assert [i.uuid for i in found] == [made[3].uuid]


def test_list_sort_limit_marker(ctxt):
    made = _many(ctxt)
    get = objects.InstanceList.get_by_filters
    page1 = get(ctxt, {}, sort_keys=['created_at'], sort_dirs=['asc'],
                limit=2)
    assert [i.uuid for i in page1] == [made[0].uuid, made[1].uuid]
    page2 = get(ctxt, {}, sort_keys=['created_at'], sort_dirs=['asc'],
                limit=2, marker=page1[-1].uuid)
    assert [i.uuid for i in page2] == [made[2].uuid, made[3].uuid]


def test_list_sort_on_nullable_key_pages_through_all(ctxt):
    made = _many(ctxt)
    get = objects.InstanceList.get_by_filters
    seen, marker = [], None
    while True:
        page = get(ctxt, {}, sort_keys=['host'], sort_dirs=['desc'],
                   limit=1, marker=marker)
        if not page:
            break
        seen.append(page[0].uuid)
        marker = page[0].uuid
    assert sorted(seen) == sorted(i.uuid for i in made)
    assert seen[-1] == made[3].uuid     # the one with no host is last


def test_list_bad_marker_and_sort_key(ctxt):
    with pytest.raises(exception.MarkerNotFound):
        objects.InstanceList.get_by_filters(
            ctxt, {}, marker=uuidutils.generate_uuid())
    with pytest.raises(exception.InvalidInput):
        objects.InstanceList.get_by_filters(ctxt, {}, sort_key='metadata')


def test_list_expected_attrs_loaded(ctxt):
    _many(ctxt)
    found = objects.InstanceList.get_by_filters(
        ctxt, {}, expected_attrs=['metadata', 'flavor', 'info_cache'])
    assert all(i.obj_attr_is_set('metadata') and i.flavor.flavorid == '1'
               for i in found)


def test_list_by_host(ctxt):
    _many(ctxt)
    assert {i.display_name for i in
            objects.InstanceList.get_by_host(ctxt, 'h1')} == {'web-1', 'db-1'}


def test_list_read_deleted_from_context(ctxt):
    made = _many(ctxt)
    made[0].destroy()
    only = context.RequestContext(is_admin=True, read_deleted='only')
    assert [i.uuid for i in objects.InstanceList.get_by_filters(
        only, {})] == [made[0].uuid]


def test_counts(ctxt):
    _many(ctxt)
    counts = objects.InstanceList.get_counts(ctxt, 'p1', 'fake-user')
    assert counts['project'] == {'instances': 3, 'cores': 3, 'ram': 1536}
    assert counts['user']['instances'] == 3
