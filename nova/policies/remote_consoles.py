"""Policies of the remote consoles of a server and of their tokens."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-remote-consoles',
        check_str=base.PROJECT_MEMBER_OR_ADMIN,
        description='Get a URL (with a single-use token) to open a remote '
                    'console of a server.',
        operations=[
            {'method': 'POST',
             'path': '/servers/{server_id}/remote-consoles'},
            {'method': 'POST',
             'path': '/servers/{server_id}/action (os-getVNCConsole)'},
            {'method': 'POST',
             'path': '/servers/{server_id}/action (os-getSPICEConsole)'},
            {'method': 'POST',
             'path': '/servers/{server_id}/action (os-getSerialConsole)'},
            {'method': 'POST',
             'path': '/servers/{server_id}/action (os-getRDPConsole)'},
        ],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-console-auth-tokens',
        check_str=base.ADMIN,
        description='Show where the console a token opens is (the '
                    'instance, host and port), without using the token.',
        operations=[{'method': 'GET',
                     'path': '/os-console-auth-tokens/{console_token}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
