"""Policies of /flavors."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavors', check_str=base.ANY,
        description='List and show flavors.',
        operations=[{'method': 'GET', 'path': '/flavors'},
                    {'method': 'GET', 'path': '/flavors/detail'},
                    {'method': 'GET', 'path': '/flavors/{flavor_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-manage:create', check_str=base.ADMIN,
        description='Create a flavor.',
        operations=[{'method': 'POST', 'path': '/flavors'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-manage:update', check_str=base.ADMIN,
        description='Change the description of a flavor (2.55).',
        operations=[{'method': 'PUT', 'path': '/flavors/{flavor_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-manage:delete', check_str=base.ADMIN,
        description='Delete a flavor.',
        operations=[{'method': 'DELETE', 'path': '/flavors/{flavor_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-extra-specs:index',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='List the extra specs of a flavor (also shown in '
                    'server views from 2.47).',
        operations=[{'method': 'GET',
                     'path': '/flavors/{flavor_id}/os-extra_specs'},
                    {'method': 'GET', 'path': '/servers/{server_id}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-extra-specs:show',
        check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show one extra spec of a flavor.',
        operations=[{'method': 'GET',
                     'path': '/flavors/{flavor_id}/os-extra_specs/{key}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-extra-specs:create',
        check_str=base.ADMIN,
        description='Add or replace extra specs of a flavor.',
        operations=[{'method': 'POST',
                     'path': '/flavors/{flavor_id}/os-extra_specs'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-extra-specs:update',
        check_str=base.ADMIN,
        description='Set one extra spec of a flavor.',
        operations=[{'method': 'PUT',
                     'path': '/flavors/{flavor_id}/os-extra_specs/{key}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-extra-specs:delete',
        check_str=base.ADMIN,
        description='Delete one extra spec of a flavor.',
        operations=[{'method': 'DELETE',
                     'path': '/flavors/{flavor_id}/os-extra_specs/{key}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-access', check_str=base.ADMIN,
        description='See which projects can use a private flavor '
                    '(os-flavor-access:is_public in views is always shown).',
        operations=[{'method': 'GET', 'path': '/flavors/{flavor_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
