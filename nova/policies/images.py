"""Policies of the /images proxy (deprecated, up to microversion 2.35)."""

from oslo_policy import policy

from nova.policies import base

rules = [
    policy.DocumentedRuleDefault(
        name='os_compute_api:images:list', check_str=base.ANY,
        description='List images through the compute API.',
        operations=[{'method': 'GET', 'path': '/images'},
                    {'method': 'GET', 'path': '/images/detail'}],
        scope_types=['project']),
    policy.DocumentedRuleDefault(
        name='os_compute_api:images:show', check_str=base.ANY,
        description='Show an image through the compute API.',
        operations=[{'method': 'GET', 'path': '/images/{image_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
