"""Policies of /servers."""

from oslo_policy import policy

from nova.policies import base

PREFIX = 'os_compute_api:servers:%s'


def _rule(name, check, description, operations):
    return policy.DocumentedRuleDefault(
        name=PREFIX % name, check_str=check, description=description,
        operations=operations, scope_types=['project'])


rules = [
    _rule('index', base.PROJECT_READER_OR_ADMIN, 'List servers.',
          [{'method': 'GET', 'path': '/servers'}]),
    _rule('detail', base.PROJECT_READER_OR_ADMIN,
          'List servers with details.',
          [{'method': 'GET', 'path': '/servers/detail'}]),
    _rule('index:get_all_tenants', base.ADMIN,
          'List servers of all projects (all_tenants).',
          [{'method': 'GET', 'path': '/servers'}]),
    _rule('detail:get_all_tenants', base.ADMIN,
          'List servers of all projects with details (all_tenants).',
          [{'method': 'GET', 'path': '/servers/detail'}]),
    _rule('allow_all_filters', base.ADMIN,
          'Filter server lists by admin-only fields (host, node, ...).',
          [{'method': 'GET', 'path': '/servers'},
           {'method': 'GET', 'path': '/servers/detail'}]),
    _rule('show', base.PROJECT_READER_OR_ADMIN, 'Show a server.',
          [{'method': 'GET', 'path': '/servers/{server_id}'}]),
    _rule('show:host_status', base.ADMIN,
          'See host_status in server views (2.16).',
          [{'method': 'GET', 'path': '/servers/{server_id}'}]),
    _rule('create', base.PROJECT_MEMBER_OR_ADMIN, 'Create a server.',
          [{'method': 'POST', 'path': '/servers'}]),
    _rule('create:forced_host', base.ADMIN,
          'Force a host with availability_zone "zone:host:node".',
          [{'method': 'POST', 'path': '/servers'}]),
    policy.DocumentedRuleDefault(
        name='compute:servers:create:requested_destination',
        check_str=base.ADMIN,
        description='Create a server on a given host and/or hypervisor '
                    'node (2.74); the scheduler still checks it.',
        operations=[{'method': 'POST', 'path': '/servers'}],
        scope_types=['project']),
    _rule('create:trusted_certs', base.PROJECT_MEMBER_OR_ADMIN,
          'Create a server with trusted_image_certificates (2.63).',
          [{'method': 'POST', 'path': '/servers'}]),
    _rule('delete', base.PROJECT_MEMBER_OR_ADMIN, 'Delete a server.',
          [{'method': 'DELETE', 'path': '/servers/{server_id}'}]),
    _rule('update', base.PROJECT_MEMBER_OR_ADMIN,
          'Update a server\'s name or description.',
          [{'method': 'PUT', 'path': '/servers/{server_id}'}]),
    policy.DocumentedRuleDefault(
        name='os_compute_api:os-extended-server-attributes',
        check_str=base.ADMIN,
        description='See OS-EXT-SRV-ATTR:* in server views.',
        operations=[{'method': 'GET', 'path': '/servers/{server_id}'}],
        scope_types=['project']),
]


def list_rules():
    return rules
