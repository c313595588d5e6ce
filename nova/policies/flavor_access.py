"""Policies of the flavor access actions (the list's rule,
``os_compute_api:os-flavor-access``, is in ``flavors``)."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-access:add_tenant_access',
        check_str=base.ADMIN,
        description='Let a project use a private flavor.',
        operations=[{'method': 'POST',
                     'path': '/flavors/{flavor_id}/action '
                             '(addTenantAccess)'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-flavor-access:remove_tenant_access',
        check_str=base.ADMIN,
        description='Stop a project from using a private flavor.',
        operations=[{'method': 'POST',
                     'path': '/flavors/{flavor_id}/action '
                             '(removeTenantAccess)'}],
        scope_types=['project']),
]


def list_rules():
    return rules
