"""Weighers order hosts; multipliers (global or per aggregate) flip
spreading to stacking."""

import pytest

from nova.scheduler import weights
from nova.tests.unit.scheduler import fakes


def _order(names, hosts, spec=None):
    weighed = weights.weigh_hosts(weights.load_weighers(names), hosts,
                                  spec or fakes.spec())
    return [w.host.host for w in weighed]


def _ram_hosts():
    return [fakes.host_state(name, memory_mb=ram)
            for name, ram in (('small', 512), ('big', 8192), ('mid', 2048))]


def test_ram_weigher_prefers_most_free_ram():
    assert _order(['RAMWeigher'], _ram_hosts()) == ['big', 'mid', 'small']


def test_negative_multiplier_stacks(override):
    override('ram_weight_multiplier', -1.0, 'filter_scheduler')
    assert _order(['RAMWeigher'], _ram_hosts()) == ['small', 'mid', 'big']


def test_aggregate_multiplier_overrides_the_option_for_its_hosts():
    hosts = _ram_hosts()
    # big's aggregate stacks: its free RAM now counts against it.
    hosts[1] = fakes.host_state('big', memory_mb=8192, aggregates=[
        ('stack', {'ram_weight_multiplier': '-1.0'})])
    assert _order(['RAMWeigher'], hosts) == ['mid', 'small', 'big']


def test_smallest_aggregate_multiplier_wins_and_bad_values_are_ignored():
    host = fakes.host_state('a', aggregates=[
        ('x', {'ram_weight_multiplier': '2.0'}),
        ('y', {'ram_weight_multiplier': '0.5'}),
        ('z', {'ram_weight_multiplier': 'lots'})])
    [weigher] = weights.load_weighers(['RAMWeigher'])
    assert weigher.multiplier(host) == 0.5


@pytest.mark.parametrize('weigher,kwargs,best', [
    ('CPUWeigher', {'vcpus': 16}, 'b'),
    ('DiskWeigher', {'local_gb': 500}, 'b'),
    ('HypervisorVersionWeigher', {'hypervisor_version': 2000}, 'b'),
])
def test_free_resource_and_version_weighers_prefer_more(weigher, kwargs,
                                                        best):
    hosts = [fakes.host_state('a'), fakes.host_state('b', **kwargs)]
    assert _order([weigher], hosts)[0] == best


def test_cpu_weigher_counts_used_vcpus():
    hosts = [fakes.host_state('a', vcpus=8, used={'VCPU': 7}),
             fakes.host_state('b', vcpus=4)]
    assert _order(['CPUWeigher'], hosts) == ['b', 'a']


def test_io_ops_weigher_prefers_quiet_hosts():
    busy = fakes.host_state('busy', instances=[
        ('11111111-1111-1111-1111-111111111111', 'building', 'spawning')])
    quiet = fakes.host_state('quiet', instances=[
        ('22222222-2222-2222-2222-222222222222', 'active', None)])
    assert busy.num_io_ops == 1 and quiet.num_io_ops == 0
    assert _order(['IoOpsWeigher'], [busy, quiet]) == ['quiet', 'busy']


def test_num_instances_weigher_packs_or_spreads(override):
    full = fakes.host_state('full', instances=[
        ('11111111-1111-1111-1111-111111111111', 'active', None)])
    empty = fakes.host_state('empty')
    # Default multiplier 0: no preference, the hosts keep their order.
    assert _order(['NumInstancesWeigher'], [full, empty]) == ['full',
                                                             'empty']
    override('num_instances_weight_multiplier', -1.0, 'filter_scheduler')
    assert _order(['NumInstancesWeigher'], [full, empty]) == ['empty',
                                                             'full']


def test_build_failure_weigher_puts_failing_hosts_last():
    bad, good = fakes.host_state('bad'), fakes.host_state('good')
    bad.failed_builds = 3
    assert _order(['BuildFailureWeigher', 'RAMWeigher'],
                  [bad, good]) == ['good', 'bad']


def test_unknown_weigher_is_named():
    with pytest.raises(Exception, match='unknown weighers: Nope'):
        weights.load_weighers(['RAMWeigher', 'Nope'])


def test_host_subset_size_picks_among_the_best(override, monkeypatch):
    from nova.scheduler import manager
    override('host_subset_size', 2, 'filter_scheduler')
    picked = []

    def randrange(n):
        picked.append(n)
        return n - 1

    monkeypatch.setattr(manager.random, 'randrange', randrange)
    mgr = manager.SchedulerManager(host='s')
    ordered = mgr._order(_ram_hosts(), fakes.spec())
    # The second best (mid) was drawn among the 2 best; the rest follow.
    assert picked == [2]
    assert [h.host for h in ordered] == ['mid', 'big', 'small']
