"""/flavors: list, show, create and delete flavors; from 2.55 change
a flavor's description (PUT /flavors/{flavor_id})."""

from oslo_utils import strutils, uuidutils

from nova import exception, objects
from nova.api import validation, wsgi
from nova.api.openstack import common
from nova.api.openstack.compute import flavor_access
from nova.api.openstack.compute.schemas import flavors as schema
from nova.api.openstack.compute.views import flavors as views

# Sort keys the API accepts but the flavor table sorts by other names.
_SORT_KEY_ALIASES = {'ram': 'memory_mb', 'disk': 'root_gb'}


def _is_public_filter(req):
    """Admins choose (true/false/none); others see public and shared."""
    ctxt = req.context
    raw = req.GET.get('is_public')
    if not ctxt.is_admin:
        return True
    if raw is None:
        return True
    if raw.lower() == 'none':
        return None
    try:
        return strutils.bool_from_string(raw, strict=True)
    except ValueError:
        raise exception.ValidationError(
            detail=f'Invalid is_public filter [{raw}]: use true, false or none.')


class FlavorsController:

    def _list(self, req, detailed):
        req.context.can('os_compute_api:os-flavors')
        limit, marker = common.get_limit_and_marker(req)
        filters = {'is_public': _is_public_filter(req)}
        if 'minRam' in req.GET:
            filters['min_memory_mb'] = common.db_int(req.GET['minRam'])
        if 'minDisk' in req.GET:
            filters['min_root_gb'] = common.db_int(req.GET['minDisk'])
        sort_key = req.GET.get('sort_key', 'flavorid')
        sort_key = _SORT_KEY_ALIASES.get(sort_key, sort_key)
        sort_dir = req.GET.get('sort_dir', 'asc')
        try:
            flavors = objects.FlavorList.get_all(
                req.context, filters=filters, sort_key=sort_key,
                sort_dir=sort_dir, limit=limit, marker=marker)
        except exception.InvalidInput as exc:
            raise exception.ValidationError(detail=exc.format_message())
        return views.index(req, flavors, limit, detailed)

    @validation.query_schema(schema.index_query)
    def index(self, req):
        return self._list(req, detailed=False)

    @validation.query_schema(schema.index_query)
    def detail(self, req):
        return self._list(req, detailed=True)

    def show(self, req, id):
        req.context.can('os_compute_api:os-flavors')
        flavor = objects.Flavor.get_by_flavor_id(req.context, id)
        flavor_access.check_visible(req.context, flavor)
        return {'flavor': views.detail(req, flavor)}

    @validation.schema(schema.create_v255, '2.55')
    @validation.schema(schema.create, '2.0', '2.54')
    def create(self, req, body):
        req.context.can('os_compute_api:os-flavor-manage:create',
                        target={})
        spec = body['flavor']
        flavorid = spec.get('id')
        flavorid = (uuidutils.generate_uuid() if flavorid is None
                    else str(flavorid))
        is_public = strutils.bool_from_string(
            spec.get('os-flavor-access:is_public', True), strict=True)
        flavor = objects.Flavor(
            context=req.context, name=spec['name'], flavorid=flavorid,
            memory_mb=int(spec['ram']), vcpus=int(spec['vcpus']),
            root_gb=int(spec['disk']),
            ephemeral_gb=int(spec.get('OS-FLV-EXT-DATA:ephemeral', 0)),
            swap=int(spec.get('swap', 0)),
            rxtx_factor=float(spec.get('rxtx_factor', 1.0)),
            is_public=is_public, disabled=False,
            description=spec.get('description'))
        flavor.create()
        return {'flavor': views.detail(req, flavor)}

    @wsgi.api_version('2.55')
    @validation.schema(schema.update_v255, '2.55')
    def update(self, req, id, body):
        req.context.can('os_compute_api:os-flavor-manage:update',
                        target={})
        flavor = objects.Flavor.get_by_flavor_id(req.context, id)
        flavor.description = body['flavor']['description']
        flavor.save()
        return {'flavor': views.detail(req, flavor)}

    @wsgi.response(202)
    def delete(self, req, id):
        req.context.can('os_compute_api:os-flavor-manage:delete',
                        target={})
        flavor = objects.Flavor.get_by_flavor_id(req.context, id)
        flavor.destroy()
