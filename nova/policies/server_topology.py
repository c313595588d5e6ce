"""Policies of /servers/{server_id}/topology (2.78)."""

from oslo_policy import policy

from nova.policies import base

BASE = 'compute:server:topology:%s'

rules = [
    policy.DocumentedRuleDefault(
        name=BASE % 'index', check_str=base.PROJECT_READER_OR_ADMIN,
        description='Show the NUMA topology of a server.',
        operations=[{'method': 'GET',
                     'path': '/servers/{server_id}/topology'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=BASE % 'host:index', check_str=base.ADMIN,
        description="Show the host side of a server's NUMA topology: the "
                    'host NUMA node of each guest node and the host CPU '
                    'each guest CPU is pinned to.',
        operations=[{'method': 'GET',
                     'path': '/servers/{server_id}/topology'}],
        scope_types=['project']),
]


def list_rules():
    return rules
