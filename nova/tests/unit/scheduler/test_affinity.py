"""Server group policies: the filters, the soft weighers, and the
per-request member hosts that grow as a multi-create request is placed."""

from nova import objects
from nova.scheduler import filters, group_hosts, weights
from nova.scheduler.filters import affinity_filter
from nova.tests.unit.scheduler import fakes

GROUP_UUID = '11111111-2222-3333-4444-555555555555'


def _spec(policy, member_hosts, rules=None):
    spec = fakes.spec()
    group = objects.InstanceGroup(uuid=GROUP_UUID, name='web',
                                  policies=[policy], members=[])
    if rules is not None:
        object.__setattr__(group, 'rules', rules)
    spec.instance_group = group
    group_hosts.set_hosts(spec, member_hosts)
    return spec


def _hosts(*names):
    return [fakes.host_state(n) for n in names]


def _passing(flt, spec, names=('h1', 'h2', 'h3')):
    return [h.host for h in flt.filter_all(_hosts(*names), spec)]


def test_anti_affinity_rejects_hosts_of_members():
    spec = _spec('anti-affinity', {'h1': 1, 'h3': 1})
    assert _passing(affinity_filter.ServerGroupAntiAffinityFilter(),
                    spec) == ['h2']


def test_anti_affinity_max_server_per_host_rule():
    spec = _spec('anti-affinity', {'h1': 2, 'h3': 1},
                 rules={'max_server_per_host': 2})
    assert _passing(affinity_filter.ServerGroupAntiAffinityFilter(),
                    spec) == ['h2', 'h3']


def test_affinity_first_member_anywhere_then_its_host():
    flt = affinity_filter.ServerGroupAffinityFilter()
    assert _passing(flt, _spec('affinity', {})) == ['h1', 'h2', 'h3']
    assert _passing(flt, _spec('affinity', {'h2': 1})) == ['h2']


def test_group_filters_ignore_other_policies_and_no_group():
    anti = affinity_filter.ServerGroupAntiAffinityFilter()
    assert _passing(anti, _spec('affinity', {'h1': 1})) == \
        ['h1', 'h2', 'h3']
    assert _passing(anti, fakes.spec()) == ['h1', 'h2', 'h3']


def test_anti_affinity_explanation_names_the_group():
    spec = _spec('anti-affinity', {'h1': 1, 'h2': 1})
    result = filters.run_filters(
        [affinity_filter.ServerGroupAntiAffinityFilter()],
        _hosts('h1', 'h2'), spec)
    assert result.hosts == []
    assert result.explain() == (
        '2 hosts were rejected: 2 by ServerGroupAntiAffinityFilter (they '
        f'already run a member of server group web ({GROUP_UUID}))')


def test_placed_instances_count_for_the_next_one():
    spec = _spec('anti-affinity', {})
    group_hosts.placed(spec, 'h1')
    assert _passing(affinity_filter.ServerGroupAntiAffinityFilter(),
                    spec) == ['h2', 'h3']


def _order(names, spec):
    weighed = weights.weigh_hosts(weights.load_weighers(names),
                                  _hosts('h1', 'h2', 'h3'), spec)
    return [w.host.host for w in weighed]


def test_soft_affinity_prefers_the_members_host():
    spec = _spec('soft-affinity', {'h3': 2, 'h2': 1})
    assert _order(['ServerGroupSoftAffinityWeigher'], spec)[0] == 'h3'


def test_soft_anti_affinity_prefers_hosts_without_members():
    spec = _spec('soft-anti-affinity', {'h1': 1, 'h2': 1})
    assert _order(['ServerGroupSoftAntiAffinityWeigher'], spec)[0] == 'h3'


def test_soft_weighers_do_nothing_for_other_policies():
    spec = _spec('anti-affinity', {'h1': 3})
    assert _order(['ServerGroupSoftAffinityWeigher'], spec) == \
        ['h1', 'h2', 'h3']


def test_group_filters_are_known_by_name():
    loaded = filters.load_filters(['ServerGroupAffinityFilter',
                                   'ServerGroupAntiAffinityFilter'])
    assert [f.name for f in loaded] == ['ServerGroupAffinityFilter',
                                        'ServerGroupAntiAffinityFilter']
