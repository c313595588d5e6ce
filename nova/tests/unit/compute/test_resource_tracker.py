"""The resource tracker against the real Placement and a SQLite cell DB."""

import threading

import pytest
import requests
from oslo_utils import uuidutils

import nova.conf
from nova import exception, objects
from nova.compute import resource_tracker, vm_states
from nova.virt import fake

CONF = nova.conf.CONF
HOST = 'rt-host'


def _placement(url, path):
    return requests.get(url + path, headers={
        'X-Auth-Token': 'admin',
        'OpenStack-API-Version': 'placement 1.26'}).json()


@pytest.fixture
def conf():
    overrides = []

    def set_(name, value, group=None):
        CONF.set_override(name, value, group=group)
        overrides.append((name, group))
    yield set_
    for name, group in overrides:
        CONF.clear_override(name, group=group)


def _tracker():
    driver = fake.FakeDriver()
    driver.init_host(HOST)
    return resource_tracker.ResourceTracker(HOST, driver)


def _instance(ctxt, vcpus=1, memory_mb=256, root_gb=1):
    return objects.Instance(ctxt, uuid=uuidutils.generate_uuid(),
                            vcpus=vcpus, memory_mb=memory_mb,
                            root_gb=root_gb, ephemeral_gb=0)


@pytest.fixture
def rt(ctxt, placement, conf):
    conf('fake_vcpus', 4, group='compute')
    conf('fake_memory_mb', 4096, group='compute')
    conf('fake_local_gb', 100, group='compute')
    tracker = _tracker()
    tracker.update_available_resource(ctxt)
    return tracker


def test_creates_compute_node_and_provider_with_inventory(ctxt, rt,
                                                           placement):
    node = objects.ComputeNode.get_by_host_and_nodename(ctxt, HOST, HOST)
    inv = _placement(placement, f'/resource_providers/{node.uuid}/inventories')['inventories']
    assert (inv['VCPU']['total'], inv['VCPU']['allocation_ratio'],
            inv['MEMORY_MB']['reserved'], inv['DISK_GB']['total']) == (
        4, 4.0, 512, 100)
    rp = _placement(placement, f'/resource_providers/{node.uuid}')
    assert rp['name'] == HOST


def test_configured_ratios_and_reserved_reach_placement(ctxt, placement,
                                                        conf):
    conf('cpu_allocation_ratio', 2.0)
    conf('reserved_host_cpus', 1)
    conf('reserved_host_disk_mb', 2048)
    tracker = _tracker()
    tracker.update_available_resource(ctxt)
    uuid = tracker.compute_nodes[HOST].uuid
    inv = _placement(placement, f'/resource_providers/{uuid}/inventories')['inventories']
    assert (inv['VCPU']['allocation_ratio'], inv['VCPU']['reserved'],
            inv['DISK_GB']['reserved']) == (2.0, 1, 2)


def test_node_uuid_stable_across_restarts(ctxt, rt):
    again = _tracker()
    again.update_available_resource(ctxt)
    assert again.compute_nodes[HOST].uuid == rt.compute_nodes[HOST].uuid
    assert len(objects.ComputeNodeList.get_all_by_host(ctxt, HOST)) == 1


def test_unchanged_inventory_is_not_sent_again(ctxt, rt, placement):
    uuid = rt.compute_nodes[HOST].uuid
    before = _placement(placement, f'/resource_providers/{uuid}')
    rt.update_available_resource(ctxt)
    after = _placement(placement, f'/resource_providers/{uuid}')
    assert after['generation'] == before['generation']


def test_claim_counts_usage_at_once(ctxt, rt):
    rt.instance_claim(ctxt, _instance(ctxt, vcpus=2, memory_mb=1024), HOST)
    node = objects.ComputeNode.get_by_host_and_nodename(ctxt, HOST, HOST)
    assert (node.vcpus_used, node.memory_mb_used, node.running_vms) == (
        2, 1024 + 512, 1)


def test_claim_beyond_capacity_says_what_is_short(ctxt, rt):
    # 4 VCPUs x 4.0 ratio = 16
    with pytest.raises(exception.ComputeResourcesUnavailable,
                       match='17 VCPU wanted, 16 free'):
        rt.instance_claim(ctxt, _instance(ctxt, vcpus=17), HOST)


def test_failed_block_aborts_claim(ctxt, rt):
    claim = rt.instance_claim(ctxt, _instance(ctxt, vcpus=3), HOST)
    with pytest.raises(RuntimeError), claim:
        raise RuntimeError('spawn failed')
    node = objects.ComputeNode.get_by_host_and_nodename(ctxt, HOST, HOST)
    assert (node.vcpus_used, node.running_vms) == (0, 0)


def test_concurrent_claims_never_exceed_capacity(ctxt, rt, conf):
    conf('cpu_allocation_ratio', 1.0)
    results = []

    def claim():
        try:
            rt.instance_claim(ctxt, _instance(ctxt, vcpus=1), HOST)
            results.append('ok')
        except exception.ComputeResourcesUnavailable:
            results.append('full')
    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ['full'] * 4 + ['ok'] * 4


def test_update_usage_on_delete_frees(ctxt, rt):
    inst = _instance(ctxt, vcpus=2)
    rt.instance_claim(ctxt, inst, HOST)
    rt.finish_claim(inst.uuid, HOST)
    rt.update_usage_on_delete(inst)
    assert objects.ComputeNode.get_by_host_and_nodename(
        ctxt, HOST, HOST).vcpus_used == 0


def test_periodic_update_counts_instances_in_db(ctxt, rt):
    inst = _instance(ctxt, vcpus=3)
    inst.host = inst.node = HOST
    inst.vm_state = vm_states.ACTIVE
    inst.create()
    rt.update_available_resource(ctxt)
    node = objects.ComputeNode.get_by_host_and_nodename(ctxt, HOST, HOST)
    assert (node.vcpus_used, node.running_vms) == (3, 1)


def test_free_counts_like_placement(ctxt, rt, conf):
    # (4 - 1 reserved) x 2.0 = 6 VCPU
    conf('cpu_allocation_ratio', 2.0)
    conf('reserved_host_cpus', 1)
    with pytest.raises(exception.ComputeResourcesUnavailable,
                       match='7 VCPU wanted, 6 free'):
        rt.instance_claim(ctxt, _instance(ctxt, vcpus=7), HOST)


def test_failed_builds_in_a_row_reach_the_node_and_the_scheduler(ctxt, rt):
    from nova.scheduler import host_manager
    rt.build_failed(HOST)
    rt.build_failed(HOST)
    node = objects.ComputeNode.get_by_host_and_nodename(ctxt, HOST, HOST)
    assert node.stats == {'failed_builds': '2'}
    assert host_manager.HostState(node, None).failed_builds == 2
    # The next periodic update keeps the count; a success resets it.
    rt.update_available_resource(ctxt)
    assert objects.ComputeNode.get_by_host_and_nodename(
        ctxt, HOST, HOST).stats == {'failed_builds': '2'}
    rt.build_succeeded(HOST)
    node = objects.ComputeNode.get_by_host_and_nodename(ctxt, HOST, HOST)
    assert host_manager.HostState(node, None).failed_builds == 0
