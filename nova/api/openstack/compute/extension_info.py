"""/extensions: the legacy list of API extensions.

Since microversions, the Compute API has no extensions: every feature is
part of the API at some microversion. Clients of the v2 era still look
some up by alias, so the resources that once were extensions and that
this API serves are listed, with the fixed fields of the old format.
"""

from nova import exception
from nova.i18n import _

_UPDATED = '2014-12-03T00:00:00Z'
_NAMESPACE = 'http://docs.openstack.org/compute/ext/fake_xml'

# (alias, name, description)
_EXTENSIONS = (
    ('os-aggregates', 'Aggregates',
     'Host aggregates.'),
    ('os-availability-zone', 'AvailabilityZone',
     'Availability zones.'),
    ('os-flavor-access', 'FlavorAccess',
     'Which projects may use a private flavor.'),
    ('os-flavor-extra-specs', 'FlavorExtraSpecs',
     'Extra specs of flavors.'),
    ('os-flavor-manage', 'FlavorManage',
     'Create and delete flavors.'),
    ('os-hypervisors', 'Hypervisors',
     'Hypervisors of the compute hosts.'),
    ('os-instance-actions', 'InstanceActions',
     'Actions done on servers.'),
    ('os-instance_usage_audit_log', 'OSInstanceUsageAuditLog',
     'Progress of the instance usage audit.'),
    ('os-keypairs', 'Keypairs',
     'SSH key pairs.'),
    ('os-quota-class-sets', 'QuotaClasses',
     'Default quotas.'),
    ('os-quota-sets', 'Quotas',
     'Quotas of projects and users.'),
    ('os-server-diagnostics', 'ServerDiagnostics',
     'Hypervisor counters of a server.'),
    ('os-server-external-events', 'ServerExternalEvents',
     'Events of servers reported by other services.'),
    ('os-server-groups', 'ServerGroups',
     'Server groups and their policies.'),
    ('os-server-password', 'ServerPassword',
     'The admin password a server posted.'),
    ('os-services', 'Services',
     'Services of the compute cloud.'),
    ('os-simple-tenant-usage', 'SimpleTenantUsage',
     'Usage of projects in a period.'),
)


class ExtensionNotFound(exception.NotFound):
    msg_fmt = _('Extension %(alias)s could not be found: the Compute API '
                'has no extension of that alias.')


def _view(alias, name, description):
    return {'alias': alias, 'name': name, 'description': description,
            'namespace': _NAMESPACE, 'updated': _UPDATED, 'links': []}


class ExtensionInfoController:

    def index(self, req):
        req.context.can('os_compute_api:extensions', target={})
        return {'extensions': [_view(*ext) for ext in _EXTENSIONS]}

    def show(self, req, id):
        req.context.can('os_compute_api:extensions', target={})
        for ext in _EXTENSIONS:
            if ext[0] == id:
                return {'extension': _view(*ext)}
        raise ExtensionNotFound(alias=id)
