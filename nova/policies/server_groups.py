"""Policies of /os-server-groups."""

from oslo_policy import policy

from nova.policies import base

_ROOT = 'os_compute_api:os-server-groups:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=_ROOT % 'create', check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Create a server group.',
        operations=[{'method': 'POST', 'path': '/os-server-groups'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=_ROOT % 'delete', check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Delete a server group.',
        operations=[{'method': 'DELETE',
                     'path': '/os-server-groups/{server_group_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=_ROOT % 'index', check_str=base.PROJECT_READER_OR_ADMIN,
        description='List the server groups of the project.',
        operations=[{'method': 'GET', 'path': '/os-server-groups'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=_ROOT % 'index:all_projects', check_str=base.ADMIN,
        description='List the server groups of every project '
                    '(all_projects).',
        operations=[{'method': 'GET', 'path': '/os-server-groups'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=_ROOT % 'show', check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show a server group.',
        operations=[{'method': 'GET',
                     'path': '/os-server-groups/{server_group_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
