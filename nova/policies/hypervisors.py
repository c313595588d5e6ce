"""Policies of /os-hypervisors: compute nodes, admins only."""

from oslo_policy import policy

from nova.policies import base

PREFIX = 'os_compute_api:os-hypervisors:'


def _rule(name, check, description, operations):
    return policy.DocumentedRuleDefault(
        name=PREFIX + name, check_str=check, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'])


rules = [
    _rule('list', base.ADMIN,
          'List hypervisors.',
          [('GET', '/os-hypervisors')]),
    _rule('list-detail', base.ADMIN,
          'List hypervisors with details.',
          [('GET', '/os-hypervisors/detail')]),
    _rule('statistics', base.ADMIN,
          'Sum the resources of all hypervisors.',
          [('GET', '/os-hypervisors/statistics')]),
    _rule('show', base.ADMIN,
          'Show a hypervisor.',
          [('GET', '/os-hypervisors/{hypervisor_id}')]),
    _rule('uptime', base.ADMIN,
          'Show the uptime of a hypervisor.',
          [('GET', '/os-hypervisors/{hypervisor_id}/uptime')]),
    _rule('search', base.ADMIN,
          'Find hypervisors by host name.',
          [('GET', '/os-hypervisors/{hypervisor_hostname_pattern}/search')]),
    _rule('servers', base.ADMIN,
          'List the servers of hypervisors.',
          [('GET', '/os-hypervisors/{hypervisor_hostname_pattern}/servers')]),
]


def list_rules():
    return rules
