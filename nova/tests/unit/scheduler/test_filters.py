"""Host filters and the explanation of what they rejected."""

import types

import pytest

from nova import exception, objects
from nova.scheduler import filters
from nova.scheduler.filters import (
    availability_zone_filter,
    compute_filter,
    request_hosts,
)

objects.register_all()


def _host(name, up=True, disabled=False, zone='nova'):
    return types.SimpleNamespace(host=name, nodename=name, service_up=up,
                                 service_disabled=disabled,
                                 availability_zone=zone)


def test_compute_filter_rejects_down_and_disabled():
    hosts = [_host('a'), _host('b', up=False), _host('c', disabled=True)]
    passed = compute_filter.ComputeFilter().filter_all(
        hosts, objects.RequestSpec())
    assert [h.host for h in passed] == ['a']


def test_az_filter_matches_requested_zone_only():
    flt = availability_zone_filter.AvailabilityZoneFilter()
    hosts = [_host('a', zone='az1'), _host('b')]
    spec = objects.RequestSpec(availability_zone='az1')
    assert [h.host for h in flt.filter_all(hosts, spec)] == ['a']
    spec = objects.RequestSpec(availability_zone=None)
    assert len(flt.filter_all(hosts, spec)) == 2


def test_request_filters_force_ignore_and_retry():
    hosts = [_host('a'), _host('b'), _host('c')]
    spec = objects.RequestSpec(force_hosts=['a', 'b'], ignore_hosts=['b'],
                               retry_hosts=[])
    result = filters.run_filters(
        [cls() for cls in request_hosts.REQUEST_FILTERS], hosts, spec)
    assert [h.host for h in result.hosts] == ['a']
    spec = objects.RequestSpec(retry_hosts=['a'])
    result = filters.run_filters([request_hosts.RetryFilter()], hosts, spec)
    assert [h.host for h in result.hosts] == ['b', 'c']


def test_explain_names_each_filter_and_count():
    hosts = [_host('a', up=False), _host('b', disabled=True),
             _host('c', zone='az2')]
    result = filters.run_filters(
        filters.load_filters(['ComputeFilter', 'AvailabilityZoneFilter']),
        hosts, objects.RequestSpec(availability_zone='az1'))
    assert result.hosts == []
    assert result.explain() == (
        '3 hosts were rejected: 2 by ComputeFilter (service down or '
        'disabled), 1 by AvailabilityZoneFilter (not in zone az1)')


def test_unknown_filter_name_is_refused():
    with pytest.raises(exception.InvalidInput, match='NoSuchFilter'):
        filters.load_filters(['ComputeFilter', 'NoSuchFilter'])
