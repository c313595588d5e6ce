"""Policies of /os-quota-class-sets."""

from oslo_policy import policy

from nova.policies import base

PREFIX = 'os_compute_api:os-quota-class-sets:'


def _rule(name, check, description, operations):
    return policy.DocumentedRuleDefault(
        name=PREFIX + name, check_str=check, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'])


rules = [
    _rule('show', base.ADMIN,
          'Show a quota class.',
          [('GET', '/os-quota-class-sets/{quota_class}')]),
    _rule('update', base.ADMIN,
          'Change a quota class (default: the defaults of every project).',
          [('PUT', '/os-quota-class-sets/{quota_class}')]),
]


def list_rules():
    return rules
