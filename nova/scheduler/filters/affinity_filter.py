"""Server group policies as filters: ``affinity`` and ``anti-affinity``.

The hosts of a group's members are counted once per request (see
:mod:`nova.scheduler.group_hosts`) and grow as the instances of the same
request are placed, so these filters run again for every instance.
"""

from nova.i18n import _
from nova.scheduler import filters, group_hosts


def _group_label(group):
    name = getattr(group, 'name', None) if group is not None else None
    uuid = getattr(group, 'uuid', None) if group is not None else None
    return f'{name} ({uuid})' if name else str(uuid)


class _GroupFilter(filters.BaseHostFilter):
    policy = None
    # The member hosts change as this request's instances are placed.
    run_filter_once_per_request = False

    def _applies(self, spec):
        group = group_hosts.group_of(spec)
        return group is not None and group_hosts.policy_of(group) == \
            self.policy

    def applies(self, spec):
        return self._applies(spec)

    def host_passes(self, host_state, spec):
        if not self._applies(spec):
            return True
        return self._passes(group_hosts.hosts_of(spec), host_state.host,
                            group_hosts.group_of(spec))


class ServerGroupAffinityFilter(_GroupFilter):
    """Only the host of the group's members (any host for the first)."""

    policy = 'affinity'

    def _passes(self, hosts, host, group):
        return not hosts or host in hosts

    def rejection(self, spec):
        hosts = sorted(group_hosts.hosts_of(spec))
        return _('not the host %(hosts)s of the members of server group '
                 '%(group)s') % {'hosts': ', '.join(hosts),
                                 'group': _group_label(
                                     group_hosts.group_of(spec))}


class ServerGroupAntiAffinityFilter(_GroupFilter):
    """Only hosts that run fewer than ``max_server_per_host`` (a rule of
    the group, 1 by default) of the group's members."""

    policy = 'anti-affinity'

    def _passes(self, hosts, host, group):
        return hosts.get(host, 0) < group_hosts.max_server_per_host(group)

    def rejection(self, spec):
        group = group_hosts.group_of(spec)
        limit = group_hosts.max_server_per_host(group)
        if limit == 1:
            return _('they already run a member of server group %s') % \
                _group_label(group)
        return _('they already run %(limit)d members of server group '
                 '%(group)s') % {'limit': limit,
                                 'group': _group_label(group)}
