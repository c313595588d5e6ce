"""Policies of /os-simple-tenant-usage."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-simple-tenant-usage:list',
        check_str=base.ADMIN,
        description='Show the usage of every project.',
        operations=[{'method': 'GET', 'path': '/os-simple-tenant-usage'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-simple-tenant-usage:show',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show the usage of one project.',
        operations=[{'method': 'GET',
                     'path': '/os-simple-tenant-usage/{tenant_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
