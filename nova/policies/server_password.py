"""Policies of /servers/{server_id}/os-server-password."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-server-password:show',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show the encrypted admin password a server posted.',
        operations=[{'method': 'GET',
                     'path': '/servers/{server_id}/os-server-password'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-server-password:clear',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Clear the encrypted admin password of a server.',
        operations=[{'method': 'DELETE',
                     'path': '/servers/{server_id}/os-server-password'}],
        scope_types=['project']),
]


def list_rules():
    return rules
