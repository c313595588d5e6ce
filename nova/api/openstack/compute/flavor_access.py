"""/flavors/{id}/os-flavor-access and the addTenantAccess and
removeTenantAccess actions: which projects may use a private flavor.

A public flavor is usable by every project, so it has no access list:
reading or changing one is refused.
"""

import typing

from nova import exception, objects
from nova.api import validation
from nova.api.openstack.compute.schemas import flavor_access as schema
from nova.i18n import _


class FlavorAccessExists(exception.Conflict):
    msg_fmt = _('Flavor %(flavor_id)s already grants access to project '
                '%(project_id)s.')


class FlavorAccessNotFound(exception.NotFound):
    msg_fmt = _('Flavor %(flavor_id)s has no access entry for project '
                '%(project_id)s.')


class PublicFlavorAccessList(exception.NotFound):
    msg_fmt = _('Flavor %(flavor_id)s is public: it has no access list.')


class PublicFlavorAccessChange(exception.Conflict):
    msg_fmt = _('Flavor %(flavor_id)s is public: access can only be '
                'granted to or removed from private flavors.')


def _view(flavor):
    return {'flavor_access': [
        {'flavor_id': flavor.flavorid, 'tenant_id': project_id}
        for project_id in sorted(flavor.projects)]}


class FlavorAccessController:

    def index(self, req, flavor_id):
        req.context.can('os_compute_api:os-flavor-access', target={})
        flavor = objects.Flavor.get_by_flavor_id(req.context, flavor_id)
        if flavor.is_public:
            raise PublicFlavorAccessList(flavor_id=flavor_id)
        return _view(flavor)


class FlavorActionController:
    """POST /flavors/{id}/action: the flavor access actions."""

    _ACTIONS: typing.ClassVar[dict] = {
        'addTenantAccess': 'add_tenant_access',
        'removeTenantAccess': 'remove_tenant_access'}

    def action(self, req, id, body):
        if not isinstance(body, dict) or len(body) != 1 or \
                next(iter(body)) not in self._ACTIONS:
            raise exception.ValidationError(
                detail=_('The action body must have exactly one of: %s.') %
                ', '.join(sorted(self._ACTIONS)))
        name = next(iter(body))
        req.context.can(
            f'os_compute_api:os-flavor-access:{self._ACTIONS[name]}',
            target={})
        validation.validate(schema.ACTIONS[name], body)
        project_id = body[name]['tenant']
        flavor = objects.Flavor.get_by_flavor_id(req.context, id)
        if flavor.is_public:
            raise PublicFlavorAccessChange(flavor_id=id)
        if name == 'addTenantAccess':
            if project_id in flavor.projects:
                raise FlavorAccessExists(flavor_id=id, project_id=project_id)
            flavor.add_access(project_id)
        else:
            if project_id not in flavor.projects:
                raise FlavorAccessNotFound(flavor_id=id,
                                           project_id=project_id)
            flavor.remove_access(project_id)
        return _view(flavor)


def check_visible(ctxt, flavor):
    """Hide a private flavor from projects it is not shared with, as
    FlavorList does: to them it does not exist."""
    if flavor.is_public or ctxt.is_admin:
        return flavor
    if ctxt.project_id not in (flavor.projects or []):
        raise exception.FlavorNotFound(flavor_id=flavor.flavorid)
    return flavor
