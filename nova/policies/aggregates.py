"""Policies of /os-aggregates: host aggregates, admins only."""

from oslo_policy import policy

from nova.policies import base

PREFIX = 'os_compute_api:os-aggregates:'


def _rule(name, check, description, operations):
    return policy.DocumentedRuleDefault(
        name=PREFIX + name, check_str=check, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'])


rules = [
    _rule('index', base.ADMIN,
          'List aggregates.',
          [('GET', '/os-aggregates')]),
    _rule('create', base.ADMIN,
          'Create an aggregate.',
          [('POST', '/os-aggregates')]),
    _rule('show', base.ADMIN,
          'Show an aggregate.',
          [('GET', '/os-aggregates/{aggregate_id}')]),
    _rule('update', base.ADMIN,
          'Rename an aggregate or change its zone.',
          [('PUT', '/os-aggregates/{aggregate_id}')]),
    _rule('delete', base.ADMIN,
          'Delete an empty aggregate.',
          [('DELETE', '/os-aggregates/{aggregate_id}')]),
    _rule('add_host', base.ADMIN,
          'Add a host to an aggregate.',
          [('POST', '/os-aggregates/{aggregate_id}/action')]),
    _rule('remove_host', base.ADMIN,
          'Remove a host from an aggregate.',
          [('POST', '/os-aggregates/{aggregate_id}/action')]),
    _rule('set_metadata', base.ADMIN,
          'Set the metadata of an aggregate.',
          [('POST', '/os-aggregates/{aggregate_id}/action')]),
    policy.DocumentedRuleDefault(
        name='compute:aggregates:images', check_str=base.ADMIN,
        description='Ask for images to be cached on the hosts of an '
                    'aggregate (2.81).',
        operations=[{'method': 'POST',
                     'path': '/os-aggregates/{aggregate_id}/images'}],
        scope_types=['project']),
]


def list_rules():
    return rules
