"""What the resource tracker tells Placement for the pre-filters: the
image types of the driver and COMPUTE_STATUS_DISABLED."""

import pytest

from nova import objects
from nova.compute import resource_tracker
from nova.scheduler.client import report
from nova.virt import fake


@pytest.fixture
def tracker(cells):
    service = objects.Service(cells.ctxt, host='h1', binary='nova-compute',
                              topic='compute', report_count=0,
                              disabled=False)
    service.create()
    driver = fake.FakeDriver()
    driver.init_host('h1')
    rt = resource_tracker.ResourceTracker(
        'h1', driver, reportclient=report.report_client_singleton())
    rt.service_id = service.id
    yield rt, service
    fake.FakeDriver.clear_host_resources()


def _traits(cells, rt):
    node = rt.compute_nodes['h1']
    return report.report_client_singleton().get_provider_traits(
        cells.ctxt, node.uuid)


def test_driver_image_types_are_reported(cells, tracker):
    rt, _service = tracker
    rt.update_available_resource(cells.ctxt)
    traits = _traits(cells, rt)
    assert {'COMPUTE_IMAGE_TYPE_RAW', 'COMPUTE_IMAGE_TYPE_QCOW2'} <= traits
    assert 'COMPUTE_STATUS_DISABLED' not in traits


def test_disabled_service_is_reported_and_operator_traits_stay(cells,
                                                               tracker):
    rt, service = tracker
    rt.update_available_resource(cells.ctxt)
    client = report.report_client_singleton()
    node = rt.compute_nodes['h1'].uuid
    client.set_traits_for_provider(
        cells.ctxt, node, _traits(cells, rt) | {'CUSTOM_RACK1'})
    service.disabled = True
    service.save()
    rt.update_available_resource(cells.ctxt)
    assert {'COMPUTE_STATUS_DISABLED', 'CUSTOM_RACK1'} <= _traits(cells, rt)
    service.disabled = False
    service.save()
    rt.update_available_resource(cells.ctxt)
    traits = _traits(cells, rt)
    assert 'COMPUTE_STATUS_DISABLED' not in traits
    assert 'CUSTOM_RACK1' in traits


def test_fake_host_resources_and_traits(cells, tracker):
    rt, _service = tracker
    fake.FakeDriver.set_host_resources('h1', vcpus=3, memory_mb=1536,
                                       traits=['CUSTOM_GOLD'])
    rt.update_available_resource(cells.ctxt)
    node = rt.compute_nodes['h1']
    assert (node.vcpus, node.memory_mb) == (3, 1536)
    assert 'CUSTOM_GOLD' in _traits(cells, rt)
