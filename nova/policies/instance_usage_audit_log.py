"""Policies of /os-instance_usage_audit_log."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-instance-usage-audit-log:list',
        check_str=base.ADMIN,
        description='Show the usage audit log of the last period.',
        operations=[{'method': 'GET',
                     'path': '/os-instance_usage_audit_log'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-instance-usage-audit-log:show',
        check_str=base.ADMIN,
        description='Show the usage audit log of the period before a '
                    'time.',
        operations=[{'method': 'GET',
                     'path': '/os-instance_usage_audit_log/'
                             '{before_timestamp}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
