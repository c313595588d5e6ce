"""/os-quota-sets: the limits of a project (or of a user in it), and
/os-quota-class-sets: the limits of a quota class (``default`` sets the
defaults of every project).

Before microversion 2.36 quota sets also show the network resources;
quota classes show them up to 2.49, so always here.
"""

from oslo_utils import strutils

from nova import exception, objects, quota
from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack.compute.schemas import quota_sets as schema
from nova.i18n import _


def _resources(req):
    if avr.is_supported(req, '2.36'):
        return quota.RESOURCES
    return quota.ALL_RESOURCES


def _check_ids(*ids):
    """Project, user and class ids are stored in 255 characters."""
    for value in ids:
        if value is not None and len(value) > 255:
            raise exception.ValidationError(
                detail=_('%s... is longer than 255 characters.') %
                value[:20])


def _limits_of(spec):
    return {res: int(value) for res, value in spec.items()
            if res != 'force'}


class QuotaSetsController:

    def _target(self, req, project_id, action):
        ctxt = req.context
        ctxt.can(f'os_compute_api:os-quota-sets:{action}',
                 target={'project_id': project_id})
        user_id = req.GET.get('user_id')
        _check_ids(project_id, user_id)
        return ctxt, user_id

    @validation.query_schema(schema.query)
    def show(self, req, id):
        ctxt, user_id = self._target(req, id, 'show')
        limits = quota.project_limits(ctxt, id, user_id)
        body = {res: limits[res] for res in _resources(req)}
        body['id'] = id
        return {'quota_set': body}

    @validation.query_schema(schema.query)
    def detail(self, req, id):
        ctxt, user_id = self._target(req, id, 'detail')
        limits = quota.project_limits(ctxt, id, user_id)
        used = quota.usage(ctxt, id, user_id)
        body = {res: {'limit': limits[res], 'in_use': used[res],
                      'reserved': 0}
                for res in _resources(req)}
        body['id'] = id
        return {'quota_set': body}

    def defaults(self, req, id):
        ctxt, _user = self._target(req, id, 'defaults')
        limits = quota.class_limits(ctxt)
        body = {res: limits[res] for res in _resources(req)}
        body['id'] = id
        return {'quota_set': body}

    @validation.query_schema(schema.query)
    @validation.schema(schema.update_v236, '2.36')
    @validation.schema(schema.update, '2.0', '2.35')
    def update(self, req, id, body):
        ctxt, user_id = self._target(req, id, 'update')
        spec = body['quota_set']
        force = strutils.bool_from_string(spec.get('force', False))
        quota.update_limits(ctxt, id, _limits_of(spec), user_id=user_id,
                            force=force)
        limits = quota.project_limits(ctxt, id, user_id)
        return {'quota_set': {res: limits[res] for res in _resources(req)}}

    @wsgi.response(202)
    @validation.query_schema(schema.query)
    def delete(self, req, id):
        ctxt, user_id = self._target(req, id, 'delete')
        if user_id:
            objects.Quotas.destroy_all_by_project_and_user(
                ctxt, id, user_id)
        else:
            objects.Quotas.destroy_all_by_project(ctxt, id)


class QuotaClassSetsController:

    def show(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-quota-class-sets:show', target={})
        limits = quota.class_limits(ctxt, id)
        body = {res: limits[res] for res in quota.ALL_RESOURCES}
        body['id'] = id
        return {'quota_class_set': body}

    @validation.schema(schema.update_class)
    def update(self, req, id, body):
        ctxt = req.context
        ctxt.can('os_compute_api:os-quota-class-sets:update', target={})
        _check_ids(id)
        objects.Quotas.set_class_limits(
            ctxt, id, _limits_of(body['quota_class_set']))
        limits = quota.class_limits(ctxt, id)
        return {'quota_class_set': {res: limits[res]
                                    for res in quota.ALL_RESOURCES}}
