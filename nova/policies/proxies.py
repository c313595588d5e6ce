"""Policies of the APIs that proxy other services (networks, security
groups, floating IPs, bare metal nodes) or show what os-hypervisors and
the network service now tell (os-hosts, os-virtual-interfaces)."""

from oslo_policy import policy

from nova.policies import base


def _rule(name, check, description, method, path):
    return policy.DocumentedRuleDefault(
        name=name, check_str=check, description=description,
        operations=[{'method': method, 'path': path}],
        scope_types=['project'])


_R = base.PROJECT_READER_OR_ADMIN
_M = base.PROJECT_MEMBER_OR_ADMIN
_A = base.ADMIN

rules = [
    _rule('os_compute_api:os-networks:list', _R, 'List networks.',
          'GET', '/os-networks'),
    _rule('os_compute_api:os-networks:view', _R, 'Show a network.',
          'GET', '/os-networks/{network_id}'),
    _rule('os_compute_api:os-tenant-networks:list', _R,
          'List the networks of the project.', 'GET', '/os-tenant-networks'),
    _rule('os_compute_api:os-tenant-networks:show', _R,
          'Show a network of the project.', 'GET',
          '/os-tenant-networks/{network_id}'),
    _rule('os_compute_api:os-security-groups:get', _R,
          'List security groups.', 'GET', '/os-security-groups'),
    _rule('os_compute_api:os-security-groups:show', _R,
          'Show a security group.', 'GET',
          '/os-security-groups/{security_group_id}'),
    _rule('os_compute_api:os-security-groups:create', _M,
          'Create a security group.', 'POST', '/os-security-groups'),
    _rule('os_compute_api:os-security-groups:update', _M,
          'Update a security group.', 'PUT',
          '/os-security-groups/{security_group_id}'),
    _rule('os_compute_api:os-security-groups:delete', _M,
          'Delete a security group.', 'DELETE',
          '/os-security-groups/{security_group_id}'),
    _rule('os_compute_api:os-security-groups:rule:create', _M,
          'Add a security group rule.', 'POST', '/os-security-group-rules'),
    _rule('os_compute_api:os-security-groups:rule:delete', _M,
          'Delete a security group rule.', 'DELETE',
          '/os-security-group-rules/{security_group_rule_id}'),
    _rule('os_compute_api:os-security-groups:list', _R,
          'List the security groups of a server.', 'GET',
          '/servers/{server_id}/os-security-groups'),
    _rule('os_compute_api:os-floating-ips:list', _R,
          'List floating IPs.', 'GET', '/os-floating-ips'),
    _rule('os_compute_api:os-floating-ips:show', _R,
          'Show a floating IP.', 'GET', '/os-floating-ips/{floating_ip_id}'),
    _rule('os_compute_api:os-floating-ips:create', _M,
          'Allocate a floating IP.', 'POST', '/os-floating-ips'),
    _rule('os_compute_api:os-floating-ips:delete', _M,
          'Release a floating IP.', 'DELETE',
          '/os-floating-ips/{floating_ip_id}'),
    _rule('os_compute_api:os-floating-ip-pools:list', base.ANY,
          'List floating IP pools.', 'GET', '/os-floating-ip-pools'),
    _rule('os_compute_api:os-baremetal-nodes:list', _A,
          'List bare metal nodes.', 'GET', '/os-baremetal-nodes'),
    _rule('os_compute_api:os-baremetal-nodes:show', _A,
          'Show a bare metal node.', 'GET', '/os-baremetal-nodes/{node_id}'),
    _rule('os_compute_api:os-hosts:list', _A, 'List hosts.',
          'GET', '/os-hosts'),
    _rule('os_compute_api:os-hosts:show', _A,
          'Show the resources of a host.', 'GET', '/os-hosts/{host_name}'),
    _rule('os_compute_api:os-hosts:update', _A,
          'Enable or disable a host.', 'PUT', '/os-hosts/{host_name}'),
    _rule('os_compute_api:os-hosts:reboot', _A, 'Reboot a host.',
          'GET', '/os-hosts/{host_name}/reboot'),
    _rule('os_compute_api:os-hosts:shutdown', _A, 'Shut a host down.',
          'GET', '/os-hosts/{host_name}/shutdown'),
    _rule('os_compute_api:os-hosts:start', _A, 'Start a host.',
          'GET', '/os-hosts/{host_name}/startup'),
    _rule('os_compute_api:os-virtual-interfaces:list', _R,
          'List the virtual interfaces of a server.', 'GET',
          '/servers/{server_id}/os-virtual-interfaces'),
]


def list_rules():
    return rules
