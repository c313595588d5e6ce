"""/os-security-groups and /os-security-group-rules (proxies to the
network service up to 2.35, 404 from 2.36) and
/servers/{server_id}/os-security-groups (every microversion).

The local flat network does not filter traffic: each project has one
security group, ``default``, without rules. Making other groups or
rules needs a network service that has them (Neutron): 501.
"""

import uuid

from nova import exception
from nova.api import wsgi
from nova.api.openstack.compute import networks
from nova.compute import api as compute
from nova.i18n import _

DEFAULT = 'default'
_NAMESPACE = uuid.UUID('5a3b0f4e-3c84-4c0e-9a57-1f6c1c0b9f21')
_RULE = 'os_compute_api:os-security-groups:%s'


class SecurityGroupNotFound(exception.NotFound):
    msg_fmt = _('Security group %(security_group_id)s not found.')


class SecurityGroupRuleNotFound(exception.NotFound):
    msg_fmt = _('Security group rule %(rule_id)s not found.')


class SecurityGroupsNotSupported(exception.NovaException):
    msg_fmt = _('%(what)s is not supported by this cloud: its network has '
                'only the default security group of each project, without '
                'rules.')
    code = 501


class DefaultGroupInUse(exception.Invalid):
    msg_fmt = _('The default security group of a project cannot be '
                'deleted.')


def default_group(project_id):
    """The default group of a project; its id is stable."""
    return {'id': str(uuid.uuid5(_NAMESPACE, project_id or '')),
            'name': DEFAULT, 'description': 'Default security group',
            'tenant_id': project_id or '', 'rules': []}


def _can(req, action):
    req.context.can(_RULE % action,
                    target={'project_id': req.context.project_id})


def _find(req, id):
    group = default_group(req.context.project_id)
    if id != group['id']:
        raise SecurityGroupNotFound(security_group_id=id)
    return group


class SecurityGroupController:

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def index(self, req):
        _can(req, 'get')
        return {'security_groups': [default_group(req.context.project_id)]}

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def show(self, req, id):
        _can(req, 'show')
        return {'security_group': _find(req, id)}

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def create(self, req, body):
        _can(req, 'create')
        raise SecurityGroupsNotSupported(what=_('Creating security groups'))

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def update(self, req, id, body):
        _can(req, 'update')
        _find(req, id)
        raise SecurityGroupsNotSupported(what=_('Changing security groups'))

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def delete(self, req, id):
        _can(req, 'delete')
        _find(req, id)
        raise DefaultGroupInUse()


class SecurityGroupRuleController:

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def create(self, req, body):
        _can(req, 'rule:create')
        raise SecurityGroupsNotSupported(
            what=_('Adding security group rules'))

    @wsgi.api_version('2.1', networks.MAX_PROXY)
    def delete(self, req, id):
        _can(req, 'rule:delete')
        raise SecurityGroupRuleNotFound(rule_id=id)


class ServerSecurityGroupController:

    def __init__(self):
        self.compute_api = compute.API()

    def index(self, req, server_id):
        instance = self.compute_api.get(req.context, server_id)
        req.context.can(_RULE % 'list',
                        target={'project_id': instance.project_id})
        return {'security_groups': [default_group(instance.project_id)]}
