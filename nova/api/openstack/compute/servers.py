"""/servers: create, list, show, update and delete servers."""

import secrets
import string

from oslo_log import log as logging
from oslo_utils import strutils, uuidutils

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common
from nova.api.openstack.compute import down_cells, flavor_access
from nova.api.openstack.compute.schemas import servers as schema
from nova.api.openstack.compute.views import servers as views
from nova.compute import api as compute
from nova.compute import server_group

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Filters anyone may use; the rest need os_compute_api:servers:
# allow_all_filters and are silently dropped for others, as the API does.
_USER_FILTERS = ('name', 'status', 'image', 'flavor', 'ip', 'ip6',
                 'changes-since', 'changes-before', 'reservation_id',
                 'all_tenants',
                 'tags', 'tags-any', 'not-tags', 'not-tags-any')
# Query parameters that are passed to the instance query unchanged.
_EXACT_FILTERS = ('host', 'node', 'user_id', 'uuid', 'key_name',
                  'vm_state', 'task_state', 'power_state', 'hostname',
                  'availability_zone', 'reservation_id')
# 2.83: those of _EXACT_FILTERS anyone may use (the others the API lets
# non-admins name from 2.83 - config_drive, progress, created_at,
# launched_at, terminated_at - are accepted and not filtered by here).
_EXACT_FILTERS_V283 = ('user_id', 'key_name', 'vm_state', 'task_state',
                       'power_state', 'availability_zone')
_PASSWORD_CHARS = string.ascii_letters + string.digits


def _generate_password(length=12):
    return ''.join(secrets.choice(_PASSWORD_CHARS) for _ in range(length))


def _bool(value):
    return strutils.bool_from_string(value, default=False)


def trusted_certs(requested, volume_backed, volume_message):
    """The trusted certificate IDs (2.63) a server is given: those
    requested, else ``[glance] default_trusted_certificate_ids`` when
    signature verification and certificate validation are both on, else
    None. Volume-backed servers have no image to verify: asking for
    certificates is 400 (``volume_message``), defaults do not apply."""
    if requested:
        if volume_backed:
            raise exception.ValidationError(detail=volume_message)
        return list(requested)
    glance = CONF.glance
    if volume_backed or not (glance.verify_glance_signatures and
                             glance.enable_certificate_validation):
        return None
    return list(glance.default_trusted_certificate_ids) or None


def _compute_nodes(ctxt):
    """[(cell, ComputeNode, its host)] of every cell that answers."""
    from nova.api.openstack.compute import cell_hosts
    return [(cell, node, svc.host if svc is not None else node.host)
            for cell, node, svc in cell_hosts.compute_nodes(ctxt)]


def host_statuses(compute_api, req, instances):
    """host_status (2.16) per instance, for those allowed to see it."""
    if not avr.is_supported(req, '2.16'):
        return {}
    if not req.context.can('os_compute_api:servers:show:host_status',
                           fatal=False):
        return {}
    statuses = {}
    by_host = {}
    for instance in instances:
        host = instance.host if instance.obj_attr_is_set('host') else None
        if not host:
            statuses[instance.uuid] = ''
            continue
        if host not in by_host:
            by_host[host] = _host_status(compute_api, req.context, instance)
        statuses[instance.uuid] = by_host[host]
    return statuses


def _host_status(compute_api, ctxt, instance):
    try:
        cell = compute_api.cell_of(ctxt, instance.uuid)
        with nova_context.target_cell(ctxt, cell) as cctxt:
            service = objects.Service.get_by_compute_host(cctxt,
                                                          instance.host)
        if service.forced_down:
            return 'DOWN'
        if not compute_api.servicegroup_api.service_is_up(service):
            return 'DOWN'
        return 'MAINTENANCE' if service.disabled else 'UP'
    except Exception as exc:  # noqa: BLE001 - informative only
        LOG.debug('No host status for %s: %s', instance.host, exc)
        return 'UNKNOWN'


class ServerNotFoundForFilter(Exception):
    """A filter that matches nothing (e.g. an unknown flavor)."""


class ServersController:

    def __init__(self):
        self.compute_api = compute.API()

    # Reading -------------------------------------------------------------

    def _get_server(self, req, server_id):
        return self.compute_api.get(req.context, server_id)

    def _host_statuses(self, req, instances):
        return host_statuses(self.compute_api, req, instances)

    def show(self, req, id):
        try:
            instance = self._get_server(req, id)
        except down_cells.CELL_DOWN_ERRORS:
            return self._show_in_down_cell(req, id)
        req.context.can('os_compute_api:servers:show',
                        target={'project_id': instance.project_id})
        statuses = self._host_statuses(req, [instance])
        body = views.show(req, instance, statuses.get(instance.uuid))
        return {'server': views.add_server_groups(req, body, instance.uuid)}

    @staticmethod
    def _show_in_down_cell(req, server_id):
        """The server's cell does not answer: 503, or from 2.69 what
        the API database knows of it."""
        ctxt = req.context
        mapping = objects.InstanceMapping.get_by_instance_uuid(ctxt,
                                                               server_id)
        if not ctxt.is_admin and mapping.project_id != ctxt.project_id:
            raise exception.InstanceNotFound(instance_id=server_id)
        ctxt.can('os_compute_api:servers:show',
                 target={'project_id': mapping.project_id})
        if not down_cells.supported(req):
            raise down_cells.CellUnavailable(server_id=server_id)
        return {'server': views.add_server_groups(
            req, down_cells.show_body(req, mapping), server_id)}

    def _filters(self, req):
        ctxt = req.context
        params = req.GET
        all_filters = ctxt.can('os_compute_api:servers:allow_all_filters',
                               fatal=False)
        filters = {}
        if _bool(params.get('all_tenants', 'false')) or (
                'all_tenants' in params and params['all_tenants'] == ''):
            ctxt.can('os_compute_api:servers:index:get_all_tenants',
                     target={})
            project = params.get('project_id') or params.get('tenant_id')
            if project:
                filters['project_id'] = project
        elif all_filters and (params.get('project_id') or
                              params.get('tenant_id')):
            filters['project_id'] = (params.get('project_id') or
                                     params.get('tenant_id'))
        else:
            filters['project_id'] = ctxt.project_id
        if 'name' in params:
            filters['name'] = params['name']
        statuses = params.getall('status')
        if statuses:
            vm_states, task_states = common.task_and_vm_state_from_status(
                statuses)
            if not vm_states:
                if avr.is_supported(req, '2.38'):
                    raise exception.ValidationError(
                        detail='Invalid status value {}; valid statuses: {}'.format(', '.join(statuses),
                                  ', '.join(common.valid_statuses())))
                raise ServerNotFoundForFilter()
            filters['vm_state'] = vm_states
            if task_states is not None:
                filters['task_state'] = task_states
            if 'deleted' in vm_states:
                filters['deleted'] = True
        if 'image' in params:
            filters['image_ref'] = params['image'].rstrip('/').rsplit(
                '/', 1)[-1]
        if 'flavor' in params:
            flavorid = params['flavor'].rstrip('/').rsplit('/', 1)[-1]
            try:
                flavor = objects.Flavor.get_by_flavor_id(ctxt, flavorid)
            except exception.FlavorNotFound:
                raise ServerNotFoundForFilter()
            filters['instance_type_id'] = flavor.id
        # 2.66 adds changes-before; both include deleted servers.
        filters.update(common.changes_filters(
            req, with_before=avr.is_supported(req, '2.66')))
        if avr.is_supported(req, '2.26'):
            for key in ('tags', 'tags-any', 'not-tags', 'not-tags-any'):
                if params.get(key):
                    filters[key] = params[key].split(',')
        if 'reservation_id' in params:
            filters['reservation_id'] = params['reservation_id']
        if avr.is_supported(req, '2.73') and 'locked' in params:
            try:
                filters['locked'] = strutils.bool_from_string(
                    params['locked'], strict=True)
            except ValueError:
                raise exception.ValidationError(
                    detail='Invalid locked value {!r}: use true or '
                           'false.'.format(params['locked']))
        if all_filters:
            exact = _EXACT_FILTERS
        elif avr.is_supported(req, '2.83'):
            exact = _EXACT_FILTERS_V283
        else:
            exact = ()
        for key in exact:
            if key in params:
                filters[key] = params[key]
        if all_filters and 'deleted' in params:
            filters['deleted'] = _bool(params['deleted'])
        return filters

    @staticmethod
    def _ip_filter(req, instances):
        """ip / ip6: a regex matched on the server's addresses."""
        import re
        patterns = []
        # Non-admins may filter by ip6 from 2.5 on.
        ip6_allowed = avr.is_supported(req, '2.5') or req.context.can(
            'os_compute_api:servers:allow_all_filters', fatal=False)
        for key, version in (('ip', 4), ('ip6', 6)):
            if key == 'ip6' and not ip6_allowed:
                continue
            if req.GET.get(key):
                try:
                    patterns.append((re.compile(req.GET[key]), version))
                except re.error:
                    raise exception.ValidationError(
                        detail=f'Invalid {key} filter: {req.GET[key]!r} is not a valid '
                               'regular expression.')
        if not patterns:
            return instances
        result = []
        for instance in instances:
            addrs = views.addresses(instance, extended=False)
            if any(pattern.match(a['addr']) and a['version'] == version
                   for pattern, version in patterns
                   for entries in addrs.values() for a in entries):
                result.append(instance)
        return result

    def _list(self, req, detailed):
        ctxt = req.context
        ctxt.can('os_compute_api:servers:%s' %
                 ('detail' if detailed else 'index'),
                 target={'project_id': ctxt.project_id})
        limit, marker = common.get_limit_and_marker(req)
        sort_keys, sort_dirs = common.get_sort_params(req)
        try:
            filters = self._filters(req)
        except ServerNotFoundForFilter:
            return {'servers': []}
        unanswered = []
        instances = self.compute_api.get_all(
            ctxt, filters, sort_keys, sort_dirs, limit=limit, marker=marker,
            down_cells=unanswered)
        instances = self._ip_filter(req, instances)
        if 'locked' in filters:
            # Servers still building are unlocked; only the cells' query
            # knows the filter.
            instances = [i for i in instances
                         if bool(i.locked) == filters['locked']]
        statuses = self._host_statuses(req, instances) if detailed else {}
        if unanswered and down_cells.partial_list_allowed(req):
            # 2.69: the servers of cells that did not answer, partially.
            partial = down_cells.server_mappings(
                ctxt, unanswered, filters.get('project_id'))
            instances = down_cells.merge(instances, partial)[:limit]
        return views.index(req, instances, limit, detailed, statuses)

    @validation.query_schema(schema.index_query_v275, '2.75')
    @validation.query_schema(schema.index_query_v273, '2.73', '2.74')
    @validation.query_schema(schema.index_query_v266, '2.66', '2.72')
    @validation.query_schema(schema.index_query_v226, '2.26', '2.65')
    @validation.query_schema(schema.index_query, '2.0', '2.25')
    def index(self, req):
        return self._list(req, detailed=False)

    @validation.query_schema(schema.index_query_v275, '2.75')
    @validation.query_schema(schema.index_query_v273, '2.73', '2.74')
    @validation.query_schema(schema.index_query_v266, '2.66', '2.72')
    @validation.query_schema(schema.index_query_v226, '2.26', '2.65')
    @validation.query_schema(schema.index_query, '2.0', '2.25')
    def detail(self, req):
        return self._list(req, detailed=True)

    # Create ------------------------------------------------------------

    @staticmethod
    def _requested_networks(req, server):
        """The networks entry as the compute layer wants it."""
        networks = server.get('networks')
        if networks is None:
            return None     # before 2.37: the default network
        if networks == 'auto':
            return None
        if networks == 'none':
            return [{'network_id': 'none'}]
        result = []
        for net in networks:
            if net.get('port'):
                entry = {'port_id': net['port']}
            elif net.get('uuid'):
                if not uuidutils.is_uuid_like(net['uuid']):
                    raise exception.ValidationError(
                        detail='Bad networks format: network uuid {!r} is '
                               'not a UUID.'.format(net['uuid']))
                entry = {'network_id': net['uuid']}
            else:
                raise exception.ValidationError(
                    detail='Bad networks format: each network needs a '
                           '"uuid" or a "port".')
            if net.get('fixed_ip'):
                entry['fixed_ip'] = net['fixed_ip']
            if net.get('tag'):
                entry['tag'] = net['tag']
            result.append(entry)
        return result

    @staticmethod
    def _image_ref(server):
        """The image to boot: imageRef, or the one block device mapping
        this cloud supports, the image as the local root disk (what
        clients send for --image)."""
        image_ref = server.get('imageRef')
        for bdm in server.get('block_device_mapping_v2') or []:
            is_root_image = (bdm.get('source_type') == 'image' and
                             bdm.get('destination_type', 'local') == 'local'
                             and str(bdm.get('boot_index')) == '0')
            if not is_root_image:
                raise compute.InvalidBootRequest(
                    reason='Block device mappings other than the image as '
                           'the local root disk (source_type image, '
                           'destination_type local, boot_index 0) are not '
                           'supported by this cloud.')
            if image_ref and image_ref.rstrip('/').rsplit('/', 1)[-1] != \
                    bdm.get('uuid'):
                raise compute.InvalidBootRequest(
                    reason='imageRef and the root block device mapping '
                           'name different images.')
            image_ref = bdm.get('uuid')
        return image_ref

    @staticmethod
    def _requested_destination(ctxt, server, az):
        """2.74: (host, node) the server must boot on, or None. 400 for
        an unknown host or node, a node not of the host, or with the
        ``zone:host:node`` form of availability_zone."""
        host = server.get('host')
        node = server.get('hypervisor_hostname')
        if not (host or node):
            return None
        ctxt.can('compute:servers:create:requested_destination',
                 target={'project_id': ctxt.project_id,
                         'user_id': ctxt.user_id})
        if az and ':' in az:
            raise exception.ValidationError(
                detail='host and/or hypervisor_hostname cannot be combined '
                       'with a host in availability_zone (zone:host:node).')
        nodes = [(svc_host, cn.hypervisor_hostname)
                 for _cell, cn, svc_host in _compute_nodes(ctxt)]
        if host and not any(h == host for h, _n in nodes):
            raise exception.ValidationError(
                detail=f'host: compute host {host} could not be found.')
        if node and not any(n == node and (not host or h == host)
                            for h, n in nodes):
            where = f' on host {host}' if host else ''
            raise exception.ValidationError(
                detail=f'hypervisor_hostname: compute node {node} could '
                       f'not be found{where}.')
        return host, node

    @staticmethod
    def _check_volume_types(server):
        """2.67: a ``volume_type`` only for a mapping to a volume."""
        for bdm in server.get('block_device_mapping_v2') or []:
            if bdm.get('volume_type') and \
                    bdm.get('destination_type', 'local') != 'volume':
                raise exception.ValidationError(
                    detail='block_device_mapping_v2: specifying a '
                           'volume_type with destination_type=local is '
                           'not supported.')

    @staticmethod
    def _boots_from_volume(server):
        """Whether the root disk of the requested server is a volume."""
        for bdm in server.get('block_device_mapping_v2') or []:
            if str(bdm.get('boot_index')) == '0':
                return (bdm.get('source_type') != 'image' or
                        bdm.get('destination_type', 'local') == 'volume')
        return not server.get('imageRef')

    @staticmethod
    def _flavor(ctxt, flavor_ref):
        flavorid = str(flavor_ref).rstrip('/').rsplit('/', 1)[-1]
        try:
            return flavor_access.check_visible(
                ctxt, objects.Flavor.get_by_flavor_id(ctxt, flavorid))
        except exception.FlavorNotFound:
            raise compute.InvalidBootRequest(
                reason=f'Flavor {flavorid} could not be found.')

    @wsgi.response(202)
    @validation.schema(schema.create_v290, '2.90')
    @validation.schema(schema.create_v274, '2.74', '2.89')
    @validation.schema(schema.create_v267, '2.67', '2.73')
    @validation.schema(schema.create_v263, '2.63', '2.66')
    @validation.schema(schema.create_v257, '2.57', '2.62')
    @validation.schema(schema.create_v252, '2.52', '2.56')
    @validation.schema(schema.create_v242, '2.42', '2.51')
    @validation.schema(schema.create_v237, '2.37', '2.41')
    @validation.schema(schema.create_v233, '2.33', '2.36')
    @validation.schema(schema.create_v232, '2.32', '2.32')
    @validation.schema(schema.create_v219, '2.19', '2.31')
    @validation.schema(schema.create, '2.0', '2.18')
    def create(self, req, body):
        ctxt = req.context
        server = body['server']
        ctxt.can('os_compute_api:servers:create',
                 target={'project_id': ctxt.project_id,
                         'user_id': ctxt.user_id})
        az = server.get('availability_zone')
        destination = self._requested_destination(ctxt, server, az)
        if az and ':' in az:
            ctxt.can('os_compute_api:servers:create:forced_host',
                     target={'project_id': ctxt.project_id})
            az = az.split(':', 1)[0] or None
        min_count = int(server.get('min_count', 1))
        max_count = int(server.get('max_count', min_count))
        if 'hostname' in server and max_count > 1:
            raise exception.ValidationError(
                detail='hostname: a hostname can only be given when '
                       f'creating one server, not up to {max_count}.')
        hints = dict(body.get('os:scheduler_hints') or
                     body.get('OS-SCH-HNT:scheduler_hints') or {})
        flavor = self._flavor(ctxt, server['flavorRef'])
        server_group.check_boot(ctxt, hints, max_count)
        self._check_volume_types(server)
        requested_certs = server.get('trusted_image_certificates')
        if requested_certs:
            ctxt.can('os_compute_api:servers:create:trusted_certs',
                     target={'project_id': ctxt.project_id,
                             'user_id': ctxt.user_id})
        certs = trusted_certs(
            requested_certs, self._boots_from_volume(server),
            'trusted_image_certificates: image certificate validation is '
            'not supported when booting from a volume.')
        admin_password = server.get('adminPass') or _generate_password()
        instances, reservation_id = self.compute_api.create(
            ctxt, flavor, self._image_ref(server), server['name'],
            description=server.get('description'),
            metadata=server.get('metadata'),
            key_name=server.get('key_name'),
            min_count=min_count, max_count=max_count,
            requested_networks=self._requested_networks(req, server),
            availability_zone=az,
            user_data=server.get('user_data'),
            config_drive=_bool(server.get('config_drive', False)),
            admin_password=admin_password,
            access_ip_v4=server.get('accessIPv4'),
            access_ip_v6=server.get('accessIPv6'),
            scheduler_hints=hints, tags=server.get('tags'),
            trusted_certs=certs, destination=destination,
            hostname=server.get('hostname'))
        if _bool(server.get('return_reservation_id', False)):
            return {'reservation_id': reservation_id}
        instance = instances[0]
        body = {'server': {
            'id': instance.uuid,
            'links': common.resource_links(req, 'servers', instance.uuid),
            'OS-DCF:diskConfig': server.get('OS-DCF:diskConfig', 'MANUAL'),
            'security_groups': [{'name': 'default'}],
            'adminPass': admin_password,
        }}
        location = body['server']['links'][0]['href']
        return wsgi.ResponseObject(body, headers={'Location': location})

    # Update / delete -------------------------------------------------

    @validation.schema(schema.update_v290, '2.90')
    @validation.schema(schema.update_v219, '2.19', '2.89')
    @validation.schema(schema.update, '2.0', '2.18')
    def update(self, req, id, body):
        ctxt = req.context
        instance = self._get_server(req, id)
        ctxt.can('os_compute_api:servers:update',
                 target={'project_id': instance.project_id})
        spec = body['server']
        updates = {}
        if 'name' in spec:
            updates['display_name'] = spec['name']
        if 'description' in spec:
            updates['display_description'] = spec['description']
        if 'accessIPv4' in spec:
            updates['access_ip_v4'] = spec['accessIPv4'] or None
        if 'accessIPv6' in spec:
            updates['access_ip_v6'] = spec['accessIPv6'] or None
        if 'hostname' in spec:
            updates['hostname'] = spec['hostname']
        instance = self.compute_api.update(ctxt, instance, **updates)
        statuses = self._host_statuses(req, [instance])
        return {'server': views.add_server_groups(
            req, views.updated(req, instance,
                               host_status=statuses.get(instance.uuid)),
            instance.uuid)}

    @wsgi.response(204)
    def delete(self, req, id):
        ctxt = req.context
        instance = self._get_server(req, id)
        ctxt.can('os_compute_api:servers:delete',
                 target={'project_id': instance.project_id})
        self.compute_api.delete(ctxt, instance)
