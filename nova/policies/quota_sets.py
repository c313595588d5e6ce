"""Policies of /os-quota-sets."""

from oslo_policy import policy

from nova.policies import base

PREFIX = 'os_compute_api:os-quota-sets:'


def _rule(name, check, description, operations):
    return policy.DocumentedRuleDefault(
        name=PREFIX + name, check_str=check, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'])


rules = [
    _rule('show', base.PROJECT_READER_OR_ADMIN,
          'Show the quota of a project (or a user in it).',
          [('GET', '/os-quota-sets/{tenant_id}')]),
    _rule('detail', base.PROJECT_READER_OR_ADMIN,
          'Show the quota and usage of a project.',
          [('GET', '/os-quota-sets/{tenant_id}/detail')]),
    _rule('defaults', base.ANY,
          'Show the default quota.',
          [('GET', '/os-quota-sets/{tenant_id}/defaults')]),
    _rule('update', base.ADMIN,
          'Change the quota of a project (or a user in it).',
          [('PUT', '/os-quota-sets/{tenant_id}')]),
    _rule('delete', base.ADMIN,
          "Revert a project's quota to the defaults.",
          [('DELETE', '/os-quota-sets/{tenant_id}')]),
]


def list_rules():
    return rules
