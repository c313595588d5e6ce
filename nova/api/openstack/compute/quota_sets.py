"""/os-quota-sets: the limits of a project (or of a user in it), and
/os-quota-class-sets: the limits of a quota class (``default`` sets the
defaults of every project).

Before microversion 2.36 quota sets also show the network resources.
Quota classes show them up to 2.49, without the server group ones;
from 2.50 they show the server group resources and not the network
ones. From 2.57 neither shows the injected file (personality) ones.
"""

from oslo_utils import strutils

from nova import exception, objects, quota
from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack.compute.schemas import quota_sets as schema
from nova.i18n import _

_INJECTED = ('injected_files', 'injected_file_content_bytes',
             'injected_file_path_bytes')
# What quota sets and classes show from 2.57.
RESOURCES_V257 = tuple(res for res in quota.RESOURCES
                       if res not in _INJECTED)


def _resources(req):
    if avr.is_supported(req, '2.57'):
        return RESOURCES_V257
    if avr.is_supported(req, '2.36'):
        return quota.RESOURCES
    return quota.ALL_RESOURCES


# What a quota class shows before 2.50: no server group resources.
_CLASS_RESOURCES_V21 = tuple(
    res for res in quota.ALL_RESOURCES
    if res not in ('server_groups', 'server_group_members'))


def _class_resources(req):
    if avr.is_supported(req, '2.57'):
        return RESOURCES_V257
    if avr.is_supported(req, '2.50'):
        return quota.RESOURCES
    return _CLASS_RESOURCES_V21


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
    @validation.schema(schema.update_v257, '2.57')
    @validation.schema(schema.update_v236, '2.36', '2.56')
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
        body = {res: limits[res] for res in _class_resources(req)}
        body['id'] = id
        return {'quota_class_set': body}

    @validation.schema(schema.update_class_v257, '2.57')
    @validation.schema(schema.update_class_v250, '2.50', '2.56')
    @validation.schema(schema.update_class, '2.0', '2.49')
    def update(self, req, id, body):
        ctxt = req.context
        ctxt.can('os_compute_api:os-quota-class-sets:update', target={})
        _check_ids(id)
        objects.Quotas.set_class_limits(
            ctxt, id, _limits_of(body['quota_class_set']))
        limits = quota.class_limits(ctxt, id)
        return {'quota_class_set': {res: limits[res]
                                    for res in _class_resources(req)}}
