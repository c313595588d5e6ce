"""Soft server group policies as weighers: prefer (soft-affinity) or
avoid (soft-anti-affinity) the hosts of the group's members, never
excluding a host."""

from nova.scheduler import group_hosts, weights


class _GroupWeigher(weights.BaseWeigher):
    policy = None
    sign = 1

    def weigh(self, host_state, spec):
        group = group_hosts.group_of(spec)
        if group is None or group_hosts.policy_of(group) != self.policy:
            return 0
        return self.sign * group_hosts.hosts_of(spec).get(host_state.host,
                                                          0)


class ServerGroupSoftAffinityWeigher(_GroupWeigher):
    """More members on a host: a higher weight."""

    option = 'soft_affinity_weight_multiplier'
    policy = 'soft-affinity'


class ServerGroupSoftAntiAffinityWeigher(_GroupWeigher):
    """More members on a host: a lower weight."""

    option = 'soft_anti_affinity_weight_multiplier'
    policy = 'soft-anti-affinity'
    sign = -1
