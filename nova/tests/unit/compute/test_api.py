"""nova.compute.api.API over real API and cell DBs; the conductor, Glance
and Placement are the named doubles of nova/tests/unit/api/conftest.py."""

import pytest

from nova import context as nova_context
from nova import exception, objects
from nova.compute import api as compute_api
from nova.tests.unit.api.conftest import IMAGE_ID, FakeImageAPI, conf, dbs, peers  # noqa: F401


@pytest.fixture
def api(peers):  # noqa: F811
    return compute_api.API(image_api=FakeImageAPI())


@pytest.fixture
def flavor(dbs):  # noqa: F811
    flavor = objects.Flavor(nova_context.get_admin_context(), name='small',
                            flavorid='1', memory_mb=1024, vcpus=2,
                            root_gb=1, ephemeral_gb=0, swap=0,
                            rxtx_factor=1.0, is_public=True, disabled=False)
    flavor.create()
    return flavor


@pytest.fixture
def ctxt(dbs):  # noqa: F811
    return nova_context.RequestContext(user_id='u1', project_id='p1',
                                       roles=['member', 'reader'])


def test_quota_lowers_max_count_to_what_fits(api, flavor, ctxt, conf):  # noqa: F811
    conf.set_override('cores', 5, group='quota')
    try:
        instances, _ = api.create(ctxt, flavor, IMAGE_ID, 'vm',
                                  min_count=1, max_count=5)
    finally:
        conf.clear_override('cores', group='quota')
    assert len(instances) == 2      # 2 vcpus each, 5 cores allowed


def test_quota_counts_build_requests(api, flavor, ctxt, conf):  # noqa: F811
    conf.set_override('instances', 1, group='quota')
    try:
        api.create(ctxt, flavor, IMAGE_ID, 'vm')
        with pytest.raises(exception.TooManyInstances):
            api.create(ctxt, flavor, IMAGE_ID, 'vm2')
    finally:
        conf.clear_override('instances', group='quota')


def test_failed_write_leaves_nothing(api, flavor, ctxt, monkeypatch):
    def fail(self):
        raise exception.DatabaseUnavailable(reason='test')
    monkeypatch.setattr(objects.InstanceMapping, 'create', fail)
    with pytest.raises(exception.DatabaseUnavailable):
        api.create(ctxt, flavor, IMAGE_ID, 'vm', min_count=2, max_count=2)
    admin = nova_context.get_admin_context()
    assert len(objects.BuildRequestList.get_all(admin)) == 0


def test_min_count_above_max_count_is_invalid(api, flavor, ctxt):
    with pytest.raises(exception.Invalid):
        api.create(ctxt, flavor, IMAGE_ID, 'vm', min_count=3, max_count=2)


def test_bad_user_data_is_invalid(api, flavor, ctxt):
    with pytest.raises(exception.Invalid) as err:
        api.create(ctxt, flavor, IMAGE_ID, 'vm', user_data='***')
    assert 'base64' in str(err.value)


def test_get_finds_build_request_then_cell_instance(api, flavor, ctxt, dbs):  # noqa: F811
    instances, _ = api.create(ctxt, flavor, IMAGE_ID, 'vm')
    uuid = instances[0].uuid
    assert api.get(ctxt, uuid).vm_state == 'building'
    admin = nova_context.get_admin_context()
    build_request = objects.BuildRequest.get_by_instance_uuid(admin, uuid)
    with nova_context.target_cell(admin, dbs.cell1) as cctxt:
        build_request.get_new_instance(cctxt).create()
    mapping = objects.InstanceMapping.get_by_instance_uuid(admin, uuid)
    mapping.cell_mapping = dbs.cell1
    mapping.save()
    build_request.destroy()
    assert api.get(ctxt, uuid).obj_attr_is_set('id')


def test_delete_after_conductor_took_the_build_request(api, flavor, ctxt,
                                                       dbs, peers):  # noqa: F811
    instances, _ = api.create(ctxt, flavor, IMAGE_ID, 'vm')
    stale = api.get(ctxt, instances[0].uuid)     # still a build request
    admin = nova_context.get_admin_context()
    build_request = objects.BuildRequest.get_by_instance_uuid(
        admin, stale.uuid)
    with nova_context.target_cell(admin, dbs.cell0) as cctxt:
        build_request.get_new_instance(cctxt).create()
    mapping = objects.InstanceMapping.get_by_instance_uuid(admin, stale.uuid)
    mapping.cell_mapping = dbs.cell0
    mapping.save()
    build_request.destroy()
    api.delete(ctxt, stale)
    with pytest.raises(exception.InstanceNotFound):
        api.get(ctxt, stale.uuid)
    assert peers['report'].deleted == [stale.uuid]


def test_locked_server_delete_is_conflict(api, flavor, ctxt):
    instances, _ = api.create(ctxt, flavor, IMAGE_ID, 'vm')
    instance = api.get(ctxt, instances[0].uuid)
    instance.locked = True
    with pytest.raises(compute_api.InstanceLocked):
        api.delete(ctxt, instance)


@pytest.fixture(scope='module')
def _placement_service():
    """The in-process Placement; stopped after this module if it was
    this module that started it (other test trees share it)."""
    from nova.tests.unit.scheduler import placement_fixture
    started_here = placement_fixture._SERVICE is None
    yield placement_fixture.placement_url()
    if started_here:
        placement_fixture.stop()


@pytest.fixture
def placement_url(_placement_service):
    from nova.tests.unit.scheduler import placement_fixture
    url = _placement_service
    placement_fixture.wipe(url)
    placement_fixture.configure(url)
    yield url
    placement_fixture.unconfigure()


def test_local_delete_removes_allocations_in_real_placement(
        flavor, ctxt, dbs, placement_url, monkeypatch):  # noqa: F811
    """No doubles here but Glance and the conductor cast."""
    import requests

    from nova.scheduler.client import report
    from nova.tests.unit.api import conftest as api_conftest
    monkeypatch.setattr(compute_api.API, 'compute_task_api',
                        api_conftest.FakeComputeTaskAPI())
    api = compute_api.API(image_api=FakeImageAPI())
    instances, _ = api.create(ctxt, flavor, IMAGE_ID, 'vm')
    uuid = instances[0].uuid
    admin = nova_context.get_admin_context()
    client = report.SchedulerReportClient()
    rp_uuid = '4e8e5957-649f-477b-9e5b-f1f75b21c03c'
    client.ensure_resource_provider(admin, rp_uuid, 'host1')
    client.set_inventory_for_provider(admin, rp_uuid, {
        'MEMORY_MB': {'total': 4096, 'reserved': 0, 'min_unit': 1,
                      'max_unit': 4096, 'step_size': 1,
                      'allocation_ratio': 1.0}})
    headers = {'X-Auth-Token': 'admin',
               'OpenStack-API-Version': 'placement 1.28'}
    resp = requests.put(f'{placement_url}/allocations/{uuid}', headers=headers,
                        json={'allocations': {rp_uuid: {'resources': {
                            'MEMORY_MB': 1024}}},
                            'project_id': 'p1', 'user_id': 'u1',
                            'consumer_generation': None})
    assert resp.status_code == 204, resp.text
    # The conductor's part: the instance lands on a host whose compute
    # service never reported (so it is down).
    build_request = objects.BuildRequest.get_by_instance_uuid(admin, uuid)
    with nova_context.target_cell(admin, dbs.cell1) as cctxt:
        instance = build_request.get_new_instance(cctxt)
        instance.host = 'host1'
        instance.vm_state = 'active'
        instance.task_state = None
        instance.create()
    mapping = objects.InstanceMapping.get_by_instance_uuid(admin, uuid)
    mapping.cell_mapping = dbs.cell1
    mapping.save()
    build_request.destroy()

    api.delete(ctxt, api.get(ctxt, uuid))

    allocations = requests.get(f'{placement_url}/allocations/{uuid}',
                               headers=headers).json()['allocations']
    assert allocations == {}
    with pytest.raises(exception.InstanceNotFound):
        api.get(ctxt, uuid)
