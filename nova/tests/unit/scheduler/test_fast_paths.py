"""With many hosts, what a request does not ask is not looked at: the
filters that have nothing to check pass every host untouched, and a
weigher whose multiplier is 0 weighs nothing."""

import pytest

from nova.scheduler import filters, weights
from nova.scheduler.filters import request_hosts
from nova.tests.unit.scheduler import fakes


def _unasked(flt):
    """``flt`` whose per-host check fails the test if it runs."""
    flt.host_passes = lambda host, spec: pytest.fail(
        f'{flt.name} checked a host')
    return flt


@pytest.mark.parametrize('name', [
    'AvailabilityZoneFilter', 'ComputeCapabilitiesFilter',
    'ImagePropertiesFilter', 'SameHostFilter', 'DifferentHostFilter',
    'ServerGroupAffinityFilter', 'ServerGroupAntiAffinityFilter'])
def test_filter_with_nothing_to_check_passes_hosts_unchecked(name):
    [flt] = filters.load_filters([name])
    host = fakes.host_state('a')
    assert _unasked(flt).filter_all([host], fakes.spec()) == [host]


def test_request_filters_with_no_hosts_named_pass_hosts_unchecked():
    host = fakes.host_state('a')
    for cls in request_hosts.REQUEST_FILTERS:
        assert _unasked(cls()).filter_all([host], fakes.spec()) == [host]


def test_filter_still_checks_when_the_request_asks():
    [flt] = filters.load_filters(['AvailabilityZoneFilter'])
    hosts = [fakes.host_state('a', zone='az1'),
             fakes.host_state('b', zone='az2')]
    assert [h.host for h in flt.filter_all(hosts, fakes.spec(zone='az2'))] \
        == ['b']


def test_weigher_with_zero_multiplier_is_not_asked(override):
    override('num_instances_weight_multiplier', 0.0, 'filter_scheduler')
    [weigher] = weights.load_weighers(['NumInstancesWeigher'])
    weigher.weigh = lambda host, spec: pytest.fail('weighed')
    hosts = [fakes.host_state('a'), fakes.host_state('b')]
    ordered = weights.weigh_hosts([weigher], hosts, fakes.spec())
    assert [w.host.host for w in ordered] == ['a', 'b']


def test_aggregate_multiplier_still_counts_with_zero_default(override):
    override('num_instances_weight_multiplier', 0.0, 'filter_scheduler')
    [weigher] = weights.load_weighers(['NumInstancesWeigher'])
    busy = fakes.host_state(
        'busy', instances=[('11111111-1111-1111-1111-111111111111',
                            'active', None)],
        aggregates=[('prefer-busy', {'num_instances_weight_multiplier':
                                     '1.0'})])
    idle = fakes.host_state('idle')
    ordered = weights.weigh_hosts([weigher], [idle, busy], fakes.spec())
    assert [w.host.host for w in ordered] == ['busy', 'idle']
