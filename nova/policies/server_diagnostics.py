"""Policies of /servers/{server_id}/diagnostics."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-server-diagnostics', check_str=base.ADMIN,
        description="Show the hypervisor's counters of a server.",
        operations=[{'method': 'GET',
                     'path': '/servers/{server_id}/diagnostics'}],
        scope_types=['project']),
]


def list_rules():
    return rules
