"""Policies of /os-keypairs: a key pair belongs to a user."""

from oslo_policy import policy

from nova.policies import base

PREFIX = 'os_compute_api:os-keypairs:%s'
OWNER_OR_ADMIN = f'({base.ADMIN}) or user_id:%(user_id)s'

rules = [
    policy.DocumentedRuleDefault(
        name=PREFIX % 'index', check_str=OWNER_OR_ADMIN,
        description='List key pairs (admins: of any user, from 2.10).',
        operations=[{'method': 'GET', 'path': '/os-keypairs'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=PREFIX % 'create', check_str=OWNER_OR_ADMIN,
        description='Create or import a key pair.',
        operations=[{'method': 'POST', 'path': '/os-keypairs'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=PREFIX % 'delete', check_str=OWNER_OR_ADMIN,
        description='Delete a key pair.',
        operations=[{'method': 'DELETE',
                     'path': '/os-keypairs/{keypair_name}'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name=PREFIX % 'show', check_str=OWNER_OR_ADMIN,
        description='Show a key pair.',
        operations=[{'method': 'GET',
                     'path': '/os-keypairs/{keypair_name}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
