"""Rows of the URL map for the resources that were extensions of the
Compute API v2: flavor access, server groups, usage, external events,
server passwords and diagnostics, the usage audit log, the extension
list, remote consoles and console auth tokens, and the APIs that are removed or were proxies to other services.

``routes.APIRouterV21`` adds them to its table after the other rows;
paths with a fixed segment come before the ``{id}`` ones they would
otherwise match.
"""

from nova.api import wsgi
from nova.api.openstack.compute import (
    baremetal_nodes,
    console_auth_tokens,
    extension_info,
    flavor_access,
    floating_ips,
    hosts,
    instance_usage_audit_log,
    networks,
    remote_consoles,
    removed,
    security_groups,
    server_diagnostics,
    server_external_events,
    server_groups,
    server_password,
    server_topology,
    simple_tenant_usage,
    virtual_interfaces,
)


def _extension_rows():
    access_ctl = wsgi.Resource(flavor_access.FlavorAccessController())
    flavor_action_ctl = wsgi.Resource(flavor_access.FlavorActionController())
    group_ctl = wsgi.Resource(server_groups.ServerGroupController())
    events_ctl = wsgi.Resource(
        server_external_events.ServerExternalEventsController())
    password_ctl = wsgi.Resource(server_password.ServerPasswordController())
    diagnostics_ctl = wsgi.Resource(
        server_diagnostics.ServerDiagnosticsController())
    topology_ctl = wsgi.Resource(server_topology.ServerTopologyController())
    audit_ctl = wsgi.Resource(
        instance_usage_audit_log.InstanceUsageAuditLogController())
    usage_ctl = wsgi.Resource(
        simple_tenant_usage.SimpleTenantUsageController())
    ext_ctl = wsgi.Resource(extension_info.ExtensionInfoController())
    console_ctl = wsgi.Resource(remote_consoles.RemoteConsolesController())
    token_ctl = wsgi.Resource(
        console_auth_tokens.ConsoleAuthTokensController())
    return (
        ('/flavors/{flavor_id}/os-flavor-access',
         {'GET': (access_ctl, 'index')}),
        ('/flavors/{id}/action', {'POST': (flavor_action_ctl, 'action')}),
        ('/os-server-groups', {'GET': (group_ctl, 'index'),
                               'POST': (group_ctl, 'create')}),
        ('/os-server-groups/{id}', {'GET': (group_ctl, 'show'),
                                    'DELETE': (group_ctl, 'delete')}),
        ('/os-server-external-events', {'POST': (events_ctl, 'create')}),
        ('/servers/{server_id}/os-server-password',
         {'GET': (password_ctl, 'index'),
          'DELETE': (password_ctl, 'clear')}),
        ('/servers/{server_id}/diagnostics',
         {'GET': (diagnostics_ctl, 'index')}),
        ('/servers/{server_id}/topology', {'GET': (topology_ctl, 'index')}),
        ('/os-instance_usage_audit_log', {'GET': (audit_ctl, 'index')}),
        ('/os-instance_usage_audit_log/{id}',
         {'GET': (audit_ctl, 'show')}),
        ('/os-simple-tenant-usage', {'GET': (usage_ctl, 'index')}),
        ('/os-simple-tenant-usage/{id}', {'GET': (usage_ctl, 'show')}),
        ('/extensions', {'GET': (ext_ctl, 'index')}),
        ('/extensions/{id}', {'GET': (ext_ctl, 'show')}),
        ('/servers/{server_id}/remote-consoles',
         {'POST': (console_ctl, 'create')}),
        ('/os-console-auth-tokens/{id}', {'GET': (token_ctl, 'show')}),
    )


def _proxy_rows():
    net_ctl = wsgi.Resource(networks.NetworkController())
    tenant_net_ctl = wsgi.Resource(networks.TenantNetworkController())
    sg_ctl = wsgi.Resource(security_groups.SecurityGroupController())
    rule_ctl = wsgi.Resource(security_groups.SecurityGroupRuleController())
    server_sg_ctl = wsgi.Resource(
        security_groups.ServerSecurityGroupController())
    fip_ctl = wsgi.Resource(floating_ips.FloatingIPController())
    pool_ctl = wsgi.Resource(floating_ips.FloatingIPPoolsController())
    host_ctl = wsgi.Resource(hosts.HostController())
    bm_ctl = wsgi.Resource(baremetal_nodes.BareMetalNodeController())
    vif_ctl = wsgi.Resource(virtual_interfaces.VirtualInterfaceController())
    return (
        ('/os-networks', {'GET': (net_ctl, 'index'),
                          'POST': (net_ctl, 'gone')}),
        ('/os-networks/add', {'POST': (net_ctl, 'gone')}),
        ('/os-networks/{id}', {'GET': (net_ctl, 'show'),
                               'DELETE': (net_ctl, 'gone')}),
        ('/os-networks/{id}/action', {'POST': (net_ctl, 'gone')}),
        ('/os-tenant-networks', {'GET': (tenant_net_ctl, 'index'),
                                 'POST': (tenant_net_ctl, 'gone')}),
        ('/os-tenant-networks/{id}', {'GET': (tenant_net_ctl, 'show'),
                                      'DELETE': (tenant_net_ctl, 'gone')}),
        ('/os-security-groups', {'GET': (sg_ctl, 'index'),
                                 'POST': (sg_ctl, 'create')}),
        ('/os-security-groups/{id}', {'GET': (sg_ctl, 'show'),
                                      'PUT': (sg_ctl, 'update'),
                                      'DELETE': (sg_ctl, 'delete')}),
        ('/os-security-group-rules', {'POST': (rule_ctl, 'create')}),
        ('/os-security-group-rules/{id}', {'DELETE': (rule_ctl, 'delete')}),
        ('/servers/{server_id}/os-security-groups',
         {'GET': (server_sg_ctl, 'index')}),
        ('/os-floating-ip-pools', {'GET': (pool_ctl, 'index')}),
        ('/os-floating-ips', {'GET': (fip_ctl, 'index'),
                              'POST': (fip_ctl, 'create')}),
        ('/os-floating-ips/{id}', {'GET': (fip_ctl, 'show'),
                                   'DELETE': (fip_ctl, 'delete')}),
        ('/os-hosts', {'GET': (host_ctl, 'index')}),
        ('/os-hosts/{id}', {'GET': (host_ctl, 'show'),
                            'PUT': (host_ctl, 'update')}),
        ('/os-hosts/{id}/reboot', {'GET': (host_ctl, 'reboot')}),
        ('/os-hosts/{id}/shutdown', {'GET': (host_ctl, 'shutdown')}),
        ('/os-hosts/{id}/startup', {'GET': (host_ctl, 'startup')}),
        ('/os-baremetal-nodes', {'GET': (bm_ctl, 'index'),
                                 'POST': (bm_ctl, 'unsupported')}),
        ('/os-baremetal-nodes/{id}', {'GET': (bm_ctl, 'show'),
                                      'DELETE': (bm_ctl, 'unsupported')}),
        ('/os-baremetal-nodes/{id}/action',
         {'POST': (bm_ctl, 'unsupported')}),
        ('/servers/{server_id}/os-virtual-interfaces',
         {'GET': (vif_ctl, 'index')}),
    )


def routes():
    return (_extension_rows() + _proxy_rows() +
            tuple(removed.routes(wsgi)))
