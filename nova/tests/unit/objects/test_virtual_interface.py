import threading

import pytest
from oslo_utils import uuidutils

from nova import exception, objects


def _instance(ctxt):
    inst = objects.Instance(ctxt, uuid=uuidutils.generate_uuid(),
                            project_id='p', user_id='u')
    inst.create()
    return inst


def test_allocates_lowest_free_address(ctxt):
    inst = _instance(ctxt)
    alloc = objects.VirtualInterface.allocate_fixed_ip
    first = alloc(ctxt, inst.uuid, '10.0.0.0/29', '10.0.0.1', 'private')
    second = alloc(ctxt, inst.uuid, '10.0.0.0/29', '10.0.0.1', 'private')
    assert (first.ip_address, second.ip_address) == ('10.0.0.2', '10.0.0.3')
    assert first.address.startswith('fa:16:3e:')
    first.destroy()
    assert alloc(ctxt, inst.uuid, '10.0.0.0/29', '10.0.0.1',
                 'private').ip_address == '10.0.0.2'
    vifs = objects.VirtualInterfaceList.get_by_instance_uuid(ctxt, inst.uuid)
    assert sorted(v.ip_address for v in vifs) == ['10.0.0.2', '10.0.0.3']


def test_exhausted_network_raises(ctxt):
    inst = _instance(ctxt)
    alloc = objects.VirtualInterface.allocate_fixed_ip
    # /30: .0 network, .1 gateway, .2 free, .3 broadcast.
    alloc(ctxt, inst.uuid, '10.1.0.0/30', '10.1.0.1', 'tiny')
    with pytest.raises(exception.NoMoreFixedIps):
        alloc(ctxt, inst.uuid, '10.1.0.0/30', '10.1.0.1', 'tiny')


def test_concurrent_allocations_get_distinct_addresses(file_ctxt):
    ctxt = file_ctxt
    inst = _instance(ctxt)
    got = []

    def allocate():
        got.append(objects.VirtualInterface.allocate_fixed_ip(
            ctxt, inst.uuid, '10.2.0.0/24', '10.2.0.1', 'net').ip_address)

    threads = [threading.Thread(target=allocate) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 6 and len(set(got)) == 6
