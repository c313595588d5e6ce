import pytest
from oslo_utils import uuidutils

from nova import exception, objects
from nova.compute import flavors


def _spec(ctxt):
    flavors.create_default_flavors(ctxt)
    image = {'id': uuidutils.generate_uuid(), 'name': 'cirros',
             'min_ram': 0, 'min_disk': 1, 'size': 1024,
             'disk_format': 'qcow2', 'container_format': 'bare',
             'status': 'active', 'properties': {'hw_disk_bus': 'virtio',
                                                'hw_numa_nodes': 1}}
    spec = objects.RequestSpec.from_components(
        ctxt, uuidutils.generate_uuid(), image,
        objects.Flavor.get_by_flavor_id(ctxt, '2'), 1, 'nova',
        {'group': 'g1', 'different_host': ['a', 'b']}, 'p', 'u')
    spec.requested_networks = [{'network_id': 'n1'}]
    spec.create()
    return spec


def test_round_trip(ctxt):
    spec = _spec(ctxt)
    found = objects.RequestSpec.get_by_instance_uuid(ctxt,
                                                     spec.instance_uuid)
    assert found.flavor.name == 'm1.small'
    assert found.image.name == 'cirros'
    assert found.image.properties == {'hw_disk_bus': 'virtio',
                                      'hw_numa_nodes': '1'}
    assert found.scheduler_hints == {'group': ['g1'],
                                     'different_host': ['a', 'b']}
    assert found.get_scheduler_hint('group') == 'g1'
    assert (found.availability_zone, found.num_instances) == ('nova', 1)


def test_transient_fields_not_persisted(ctxt):
    spec = _spec(ctxt)
    spec.retry_hosts = ['h1']
    spec.save()
    found = objects.RequestSpec.get_by_instance_uuid(ctxt,
                                                     spec.instance_uuid)
    assert found.retry_hosts == []
    assert not found.obj_attr_is_set('requested_networks')


def test_save_and_destroy(ctxt):
    spec = _spec(ctxt)
    spec.availability_zone = 'az2'
    spec.save()
    assert objects.RequestSpec.get_by_instance_uuid(
        ctxt, spec.instance_uuid).availability_zone == 'az2'
    spec.destroy()
    with pytest.raises(exception.RequestSpecNotFound):
        objects.RequestSpec.get_by_instance_uuid(ctxt, spec.instance_uuid)


def test_selection_serializes():
    sel = objects.Selection(
        compute_node_uuid=uuidutils.generate_uuid(), service_host='h',
        nodename='n', cell_uuid=uuidutils.generate_uuid(), limits={},
        allocation_request='{}', allocation_request_version='1.29')
    copy = objects.Selection.obj_from_primitive(sel.obj_to_primitive())
    assert copy.service_host == 'h' and copy.allocation_request == '{}'
