import pytest
from oslo_utils import uuidutils

from nova import exception, objects


def _service(ctxt, host='h1', binary='nova-compute'):
    svc = objects.Service(ctxt, host=host, binary=binary, topic=binary.replace('nova-', ''),
                          report_count=0)
    svc.create()
    return svc


def _node(ctxt, svc, name='n1'):
    node = objects.ComputeNode(
        ctxt, service_id=svc.id, host=svc.host, hypervisor_hostname=name,
        vcpus=4, memory_mb=8192, local_gb=100, hypervisor_type='fake',
        hypervisor_version=1, cpu_info='{}', host_ip='10.0.0.1')
    node.create()
    return node


def test_service_create_get_save(ctxt):
    svc = _service(ctxt)
    assert svc.uuid and svc.version >= 1
    svc.report_count += 1
    svc.disabled = True
    svc.disabled_reason = 'maintenance'
    svc.save()
    found = objects.Service.get_by_host_and_binary(ctxt, 'h1', 'nova-compute')
    assert (found.report_count, found.disabled, found.disabled_reason) == \
        (1, True, 'maintenance')
    assert objects.Service.get_by_compute_host(ctxt, 'h1').id == svc.id
    assert objects.Service.get_by_uuid(ctxt, svc.uuid).id == svc.id


def test_service_missing_raises(ctxt):
    with pytest.raises(exception.ServiceNotFound):
        objects.Service.get_by_host_and_binary(ctxt, 'x', 'nova-compute')
    with pytest.raises(exception.ComputeHostNotFound):
        objects.Service.get_by_compute_host(ctxt, 'x')


def test_service_duplicate_refused(ctxt):
    _service(ctxt)
    with pytest.raises(exception.Conflict):
        _service(ctxt)


def test_service_destroy_soft_deletes_with_nodes(ctxt):
    svc = _service(ctxt)
    _node(ctxt, svc)
    svc.destroy()
    assert objects.ServiceList.get_all(ctxt).objects == []
    assert objects.ComputeNodeList.get_all(ctxt).objects == []
    _service(ctxt)      # the host/binary may register again


def test_service_lists(ctxt):
    _service(ctxt, 'h1')
    svc = _service(ctxt, 'h2')
    _service(ctxt, 'h1', 'nova-scheduler')
    svc.disabled = True
    svc.save()
    assert len(objects.ServiceList.get_by_binary(ctxt, 'nova-compute')) == 2
    assert len(objects.ServiceList.get_all(ctxt, disabled=True)) == 1
    assert len(objects.ServiceList.get_by_topic(ctxt, 'compute')) == 2


def test_compute_node_crud(ctxt):
    node = _node(ctxt, _service(ctxt))
    node.vcpus_used = 2
    node.save()
    found = objects.ComputeNode.get_by_host_and_nodename(ctxt, 'h1', 'n1')
    assert (found.vcpus_used, str(found.host_ip)) == (2, '10.0.0.1')
    assert objects.ComputeNode.get_by_uuid(ctxt, node.uuid).id == node.id
    assert [n.id for n in objects.ComputeNodeList.get_all_by_uuids(
        ctxt, [node.uuid])] == [node.id]
    node.destroy()
    with pytest.raises(exception.ComputeNodeNotFound):
        objects.ComputeNode.get_by_uuid(ctxt, node.uuid)


def test_compute_node_by_host(ctxt):
    svc = _service(ctxt)
    _node(ctxt, svc, 'n1')
    _node(ctxt, svc, 'n2')
    assert len(objects.ComputeNodeList.get_all_by_host(ctxt, 'h1')) == 2
    with pytest.raises(exception.ComputeHostNotFound):
        objects.ComputeNodeList.get_all_by_host(ctxt, 'other')
    with pytest.raises(exception.ComputeNodeNotFound):
        objects.ComputeNode.get_by_uuid(ctxt, uuidutils.generate_uuid())
