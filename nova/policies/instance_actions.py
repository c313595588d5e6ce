"""Policies of /servers/{server_id}/os-instance-actions."""

from oslo_policy import policy

from nova.policies import base

PREFIX = 'os_compute_api:os-instance-actions:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=PREFIX % 'list', check_str=base.PROJECT_READER_OR_ADMIN,
        description='List the actions of a server.',
        operations=[{'method': 'GET',
                     'path': '/servers/{server_id}/os-instance-actions'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=PREFIX % 'show', check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show one action of a server.',
        operations=[{'method': 'GET',
                     'path': '/servers/{server_id}/os-instance-actions/'
                             '{request_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=PREFIX % 'events', check_str=base.ADMIN,
        description='See the events of an action.',
        operations=[{'method': 'GET',
                     'path': '/servers/{server_id}/os-instance-actions/'
                             '{request_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=PREFIX % 'events:details', check_str=base.ADMIN,
        description='See the details of action events.',
        operations=[{'method': 'GET',
                     'path': '/servers/{server_id}/os-instance-actions/'
                             '{request_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
