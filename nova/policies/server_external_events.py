"""Policies of /os-server-external-events."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-server-external-events:create',
        check_str=base.ADMIN,
        description='Tell the compute service about events of servers '
                    '(sent by the network service).',
        operations=[{'method': 'POST',
                     'path': '/os-server-external-events'}],
        scope_types=['project']),
]


def list_rules():
    return rules
