"""/limits: the absolute limits of a project and what it uses of them.

Rate limits are not enforced by the Compute API: ``rate`` is empty.
"""

from nova import quota
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.api.validation import parameter_types as types

# (view name, resource) pairs: the limit, then the usage.
_MAX = (
    ('maxTotalInstances', 'instances'),
    ('maxTotalCores', 'cores'),
    ('maxTotalRAMSize', 'ram'),
    ('maxServerMeta', 'metadata_items'),
    ('maxImageMeta', 'metadata_items'),
    ('maxPersonality', 'injected_files'),
    ('maxPersonalitySize', 'injected_file_content_bytes'),
    ('maxTotalKeypairs', 'key_pairs'),
    ('maxServerGroups', 'server_groups'),
    ('maxServerGroupMembers', 'server_group_members'),
    ('maxSecurityGroups', 'security_groups'),
    ('maxSecurityGroupRules', 'security_group_rules'),
    ('maxTotalFloatingIps', 'floating_ips'),
)
_USED = (
    ('totalInstancesUsed', 'instances'),
    ('totalCoresUsed', 'cores'),
    ('totalRAMUsed', 'ram'),
    ('totalServerGroupsUsed', 'server_groups'),
    ('totalSecurityGroupsUsed', 'security_groups'),
    ('totalFloatingIpsUsed', 'floating_ips'),
)
# Gone from 2.36 (network resources), 2.39 (image metadata) and 2.57
# (personality).
_NETWORK = {'maxSecurityGroups', 'maxSecurityGroupRules',
            'maxTotalFloatingIps', 'totalSecurityGroupsUsed',
            'totalFloatingIpsUsed'}

index_query = {
    'type': 'object',
    'properties': {'tenant_id': types.single({'type': 'string',
                                              'minLength': 1})},
    'additionalProperties': True,
}


class LimitsController:

    @validation.query_schema(index_query)
    def index(self, req):
        ctxt = req.context
        ctxt.can('os_compute_api:limits', target={})
        project_id = ctxt.project_id
        if 'tenant_id' in req.GET:
            ctxt.can('os_compute_api:limits:other_project', target={})
            project_id = req.GET['tenant_id']
        limits = quota.project_limits(ctxt, project_id)
        used = quota.usage(ctxt, project_id)
        absolute = {name: limits[res] for name, res in _MAX}
        absolute.update({name: used[res] for name, res in _USED})
        if avr.is_supported(req, '2.36'):
            for name in _NETWORK:
                absolute.pop(name)
        if avr.is_supported(req, '2.39'):
            absolute.pop('maxImageMeta')
        if avr.is_supported(req, '2.57'):
            absolute.pop('maxPersonality')
            absolute.pop('maxPersonalitySize')
        return {'limits': {'absolute': absolute, 'rate': []}}
