"""Policies of /os-availability-zone."""

from oslo_policy import policy

from nova.policies import base

PREFIX = 'os_compute_api:os-availability-zone:'


def _rule(name, check, description, operations):
    return policy.DocumentedRuleDefault(
        name=PREFIX + name, check_str=check, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'])


rules = [
    _rule('list', base.ANY,
          'List availability zones a server can be booted into.',
          [('GET', '/os-availability-zone')]),
    _rule('detail', base.ADMIN,
          'List availability zones with their hosts and services.',
          [('GET', '/os-availability-zone/detail')]),
]


def list_rules():
    return rules
