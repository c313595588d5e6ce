import pytest
from oslo_utils import uuidutils

from nova import exception, objects
from nova.compute import flavors


def _request(ctxt, name='vm', project_id='p1'):
    flavors.create_default_flavors(ctxt)
    flavor = objects.Flavor.get_by_flavor_id(ctxt, '1')
    instance = objects.Instance(
        ctxt, uuid=uuidutils.generate_uuid(), project_id=project_id,
        user_id='u', display_name=name, vm_state='building',
        task_state='scheduling', flavor=flavor, metadata={'a': 'b'})
    req = objects.BuildRequest(ctxt, instance=instance, tags=['t1'])
    req.create()
    return req


def test_create_and_get_round_trips_instance(ctxt):
    req = _request(ctxt)
    found = objects.BuildRequest.get_by_instance_uuid(ctxt, req.instance_uuid)
    assert found.instance.display_name == 'vm'
    assert found.instance.flavor.name == 'm1.tiny'
    assert found.instance.metadata == {'a': 'b'}
    assert (found.project_id, found.tags) == ('p1', ['t1'])


def test_destroy_twice_raises_not_found(ctxt):
    req = _request(ctxt)
    req.destroy()
    with pytest.raises(exception.BuildRequestNotFound):
        req.destroy()
    with pytest.raises(exception.BuildRequestNotFound):
        objects.BuildRequest.get_by_instance_uuid(ctxt, req.instance_uuid)


def test_list_filters_sort_marker(ctxt):
    a = _request(ctxt, 'web-a')
    b = _request(ctxt, 'web-b')
    _request(ctxt, 'db', project_id='p2')
    get = objects.BuildRequestList.get_by_filters
    found = get(ctxt, {'project_id': 'p1'}, sort_keys=['display_name'],
                sort_dirs=['asc'])
    assert [r.instance_uuid for r in found] == [a.instance_uuid,
                                                b.instance_uuid]
    assert len(get(ctxt, {'name': '^web'})) == 2
    after = get(ctxt, {'project_id': 'p1'}, sort_keys=['display_name'],
                sort_dirs=['asc'], marker=a.instance_uuid)
    assert [r.instance_uuid for r in after] == [b.instance_uuid]
    with pytest.raises(exception.MarkerNotFound):
        get(ctxt, {}, marker=uuidutils.generate_uuid())
    assert len(get(ctxt, {'deleted': True})) == 0
