"""Policies of /limits."""

from oslo_policy import policy

from nova.policies import base

PREFIX = 'os_compute_api:limits'


def _rule(name, check, description, operations):
    return policy.DocumentedRuleDefault(
        name=PREFIX + name, check_str=check, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'])


rules = [
    _rule('', base.ANY,
          "Show the limits and usage of one's project.",
          [('GET', '/limits')]),
    _rule(':other_project', base.ADMIN,
          'Show the limits of another project (tenant_id).',
          [('GET', '/limits')]),
]


def list_rules():
    return rules
