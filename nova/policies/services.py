"""Policies of /os-services: the cloud's daemons, admins only."""

from oslo_policy import policy

from nova.policies import base

PREFIX = 'os_compute_api:os-services:'


def _rule(name, check, description, operations):
    return policy.DocumentedRuleDefault(
        name=PREFIX + name, check_str=check, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'])


rules = [
    _rule('list', base.ADMIN,
          'List services.',
          [('GET', '/os-services')]),
    _rule('update', base.ADMIN,
          'Enable, disable or force down a service.',
          [('PUT', '/os-services/enable'), ('PUT', '/os-services/disable'),
           ('PUT', '/os-services/disable-log-reason'),
           ('PUT', '/os-services/force-down'),
           ('PUT', '/os-services/{service_id}')]),
    _rule('delete', base.ADMIN,
          'Delete a service (and its compute nodes).',
          [('DELETE', '/os-services/{service_id}')]),
]


def list_rules():
    return rules
