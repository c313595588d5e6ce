"""The configurable host filters, on real HostStates."""

import pytest

from nova.scheduler import filters
from nova.scheduler.filters import extra_specs_ops
from nova.tests.unit.scheduler import fakes

A = '11111111-1111-1111-1111-111111111111'
B = '22222222-2222-2222-2222-222222222222'


def _passing(name, hosts, spec):
    [flt] = filters.load_filters([name])
    return [h.host for h in flt.filter_all(hosts, spec)]


@pytest.mark.parametrize('value,requirement,expected', [
    ('fake', 'fake', True),
    ('fake', 'qemu', False),
    (16, '= 8', True),
    (4, '= 8', False),
    (8, '== 8', True),
    (8, '!= 8', False),
    (8, '<= 4', False),
    ('abc', 's== abc', True),
    ('abc', 's< abd', True),
    ('avx2 sse4', '<in> avx2', True),
    (['avx2', 'sse4'], '<all-in> avx2 sse4', True),
    (['avx2'], '<all-in> avx2 sse4', False),
    ('kvm', '<or> qemu <or> kvm', True),
    ('xen', '<or> qemu <or> kvm', False),
    ('many', '= 8', False),
])
def test_extra_specs_ops(value, requirement, expected):
    assert extra_specs_ops.match(value, requirement) is expected


def test_compute_capabilities_filter():
    hosts = [fakes.host_state('kvm', hypervisor_type='kvm', vcpus=16),
             fakes.host_state('fake', vcpus=4)]
    spec = fakes.spec(extra_specs={'capabilities:hypervisor_type': 'kvm',
                                   'capabilities:vcpus': '= 8'})
    assert _passing('ComputeCapabilitiesFilter', hosts, spec) == ['kvm']
    spec = fakes.spec(extra_specs={'capabilities:cpu_info:arch': 'x86_64'})
    assert len(_passing('ComputeCapabilitiesFilter', hosts, spec)) == 2
    spec = fakes.spec(extra_specs={'capabilities:no_such_thing': '1'})
    assert _passing('ComputeCapabilitiesFilter', hosts, spec) == []


def test_image_properties_filter():
    hosts = [fakes.host_state('x86', hypervisor_version=6002000),
             fakes.host_state('arm', arch='aarch64',
                              hypervisor_version=5000000)]
    assert _passing('ImagePropertiesFilter', hosts, fakes.spec(
        image_props={'hw_architecture': 'aarch64'})) == ['arm']
    assert _passing('ImagePropertiesFilter', hosts, fakes.spec(
        image_props={'img_hv_requested_version': '>=6.0'})) == ['x86']
    assert _passing('ImagePropertiesFilter', hosts, fakes.spec(
        image_props={'img_hv_type': 'qemu'})) == []
    assert len(_passing('ImagePropertiesFilter', hosts, fakes.spec())) == 2


def test_same_and_different_host_filters():
    hosts = [fakes.host_state('a', instances=[(A, 'active', None)]),
             fakes.host_state('b', instances=[(B, 'active', None)]),
             fakes.host_state('c')]
    spec = fakes.spec(hints={'same_host': [A, B]})
    assert _passing('SameHostFilter', hosts, spec) == ['a', 'b']
    spec = fakes.spec(hints={'different_host': [A]})
    assert _passing('DifferentHostFilter', hosts, spec) == ['b', 'c']
    # No hint: every host passes both.
    assert len(_passing('SameHostFilter', hosts, fakes.spec())) == 3
    assert len(_passing('DifferentHostFilter', hosts, fakes.spec())) == 3


def test_simple_cidr_affinity_filter():
    hosts = [fakes.host_state('near', host_ip='10.1.2.3'),
             fakes.host_state('far', host_ip='10.9.2.3')]
    spec = fakes.spec(hints={'build_near_host_ip': ['10.1.2.200'],
                             'cidr': ['/24']})
    assert _passing('SimpleCIDRAffinityFilter', hosts, spec) == ['near']
    spec = fakes.spec(hints={'build_near_host_ip': ['10.1.2.200'],
                             'cidr': ['/8']})
    assert len(_passing('SimpleCIDRAffinityFilter', hosts, spec)) == 2
    spec = fakes.spec(hints={'build_near_host_ip': ['not-an-ip']})
    assert _passing('SimpleCIDRAffinityFilter', hosts, spec) == []


def test_aggregate_instance_extra_specs_filter():
    hosts = [fakes.host_state('ssd', aggregates=[('fast', {'ssd': 'true'})]),
             fakes.host_state('hdd', aggregates=[('slow', {'ssd': 'false'})]),
             fakes.host_state('none')]
    spec = fakes.spec(extra_specs={
        'aggregate_instance_extra_specs:ssd': 'true'})
    assert _passing('AggregateInstanceExtraSpecsFilter', hosts,
                    spec) == ['ssd']
    # Namespaced keys of other filters are not aggregate requirements.
    spec = fakes.spec(extra_specs={'hw:cpu_policy': 'dedicated'})
    assert len(_passing('AggregateInstanceExtraSpecsFilter', hosts,
                        spec)) == 3


def test_aggregate_multi_tenancy_isolation():
    hosts = [fakes.host_state('mine', aggregates=[
                 ('p1', {'filter_tenant_id': 'p1,p3'})]),
             fakes.host_state('theirs', aggregates=[
                 ('p2', {'filter_tenant_id': 'p2'})]),
             fakes.host_state('public')]
    assert _passing('AggregateMultiTenancyIsolation', hosts,
                    fakes.spec(project_id='p1')) == ['mine', 'public']
    assert _passing('AggregateMultiTenancyIsolation', hosts,
                    fakes.spec(project_id='p9')) == ['public']


def test_aggregate_image_properties_isolation(override):
    hosts = [fakes.host_state('win', aggregates=[
                 ('w', {'os_distro': 'windows'})]),
             fakes.host_state('any')]
    assert _passing('AggregateImagePropertiesIsolation', hosts, fakes.spec(
        image_props={'os_distro': 'ubuntu'})) == ['any']
    assert len(_passing('AggregateImagePropertiesIsolation', hosts,
                        fakes.spec(image_props={'os_distro': 'windows'}))) \
        == 2
    # With a namespace only its keys isolate.
    override('aggregate_image_properties_isolation_namespace', 'iso',
             'filter_scheduler')
    assert len(_passing('AggregateImagePropertiesIsolation', hosts,
                        fakes.spec(image_props={'os_distro': 'ubuntu'}))) \
        == 2


def test_io_ops_filter(override):
    override('max_io_ops_per_host', 1, 'filter_scheduler')
    hosts = [fakes.host_state('busy', instances=[(A, 'building', None)]),
             fakes.host_state('resizing', instances=[
                 (B, 'active', 'resize_migrating')]),
             fakes.host_state('idle', instances=[
                 ('33333333-3333-3333-3333-333333333333', 'active', None)])]
    assert _passing('IoOpsFilter', hosts, fakes.spec()) == ['idle']


def test_num_instances_filter(override):
    override('max_instances_per_host', 1, 'filter_scheduler')
    hosts = [fakes.host_state('one', instances=[(A, 'active', None)]),
             fakes.host_state('zero')]
    assert _passing('NumInstancesFilter', hosts, fakes.spec()) == ['zero']


def test_explanation_counts_each_filter_and_says_why():
    hosts = [fakes.host_state('a', up=False),
             fakes.host_state('b', disabled=True),
             fakes.host_state('c', instances=[(A, 'active', None)]),
             fakes.host_state('d', instances=[(A, 'active', None)]),
             fakes.host_state('e', up=False)]
    result = filters.run_filters(
        filters.load_filters(['ComputeFilter', 'DifferentHostFilter']),
        hosts, fakes.spec(hints={'different_host': [A]}))
    assert result.hosts == []
    assert result.explain() == (
        '5 hosts were rejected: 3 by ComputeFilter (service down or '
        'disabled), 2 by DifferentHostFilter (already runs one of the '
        'servers given in different_host)')


def test_default_filters_all_load():
    import nova.conf
    names = nova.conf.CONF.filter_scheduler.enabled_filters
    assert [f.name for f in filters.load_filters(names)] == list(names)
