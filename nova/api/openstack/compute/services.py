"""/os-services: the cloud's daemons; enable, disable, force down, delete.

Before microversion 2.53 a service is named by host and binary in the
body of ``PUT /os-services/{action}`` and by its integer id in DELETE.
From 2.53 its id is its uuid, in views and URLs: ``PUT
/os-services/{uuid}`` changes ``status`` (with ``disabled_reason``) and
``forced_down`` of a compute service and answers with the whole service;
``DELETE /os-services/{uuid}``.
"""

from oslo_log import log as logging
from oslo_utils import uuidutils

from nova import availability_zones, exception, objects, servicegroup
from nova import context as nova_context
from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack.compute import cell_hosts, down_cells
from nova.api.openstack.compute.schemas import services as schema
from nova.i18n import _

LOG = logging.getLogger(__name__)
COMPUTE = 'nova-compute'


class ServiceHostsInstances(exception.Conflict):
    msg_fmt = _('Unable to delete compute service %(service_id)s: host '
                '%(host)s is hosting %(count)d instance(s). Migrate or '
                'delete the instances first.')


class ServiceIdNotUnique(exception.Invalid):
    msg_fmt = _('Service id %(service_id)s exists in several cells; delete '
                'it with microversion 2.53 or later by its uuid.')


class ServiceUpdateNotSupported(exception.Invalid):
    msg_fmt = _('Updating a %(binary)s service is not supported: only '
                'nova-compute services can be updated.')


def _check_uuid(service_id):
    if not uuidutils.is_uuid_like(service_id):
        raise exception.ValidationError(
            detail=_('Invalid uuid %s: from microversion 2.53 a service '
                     'is named by the uuid GET /os-services shows.') %
            service_id)


def find_by_uuid(ctxt, service_uuid):
    """(cell, Service) of the service with this uuid; ServiceNotFound."""
    for cell in cell_hosts.cells(ctxt):
        with nova_context.target_cell(ctxt, cell) as cctxt:
            try:
                return cell, objects.Service.get_by_uuid(cctxt, service_uuid)
            except exception.ServiceNotFound:
                continue
    raise exception.ServiceNotFound(service_id=service_uuid)


def _time(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


def _bool(value):
    if isinstance(value, bool):
        return value
    return value.lower() in ('true', '1', 'on', 'yes')


class ServiceController:

    def __init__(self):
        self.servicegroup_api = servicegroup.API()

    def _view(self, req, service, zones):
        body = {
            'id': (service.uuid if avr.is_supported(req, '2.53')
                   else service.id),
            'binary': service.binary,
            'host': service.host,
            'zone': availability_zones.service_zone(zones, service),
            'status': 'disabled' if service.disabled else 'enabled',
            'state': ('up' if self.servicegroup_api.service_is_up(service)
                      else 'down'),
            'updated_at': _time(service.updated_at),
            'disabled_reason': service.disabled_reason,
        }
        if avr.is_supported(req, '2.11'):
            body['forced_down'] = service.forced_down
        return body

    @validation.query_schema(schema.index_query)
    def index(self, req):
        ctxt = req.context
        ctxt.can('os_compute_api:os-services:list', target={})
        host = req.GET.get('host')
        binary = req.GET.get('binary')
        unanswered = []
        found = [svc for _cell, svc in cell_hosts.services(ctxt, unanswered)
                 if (host is None or svc.host == host) and
                 (binary is None or svc.binary == binary)]
        zones = availability_zones.host_zones(ctxt)
        views = [self._view(req, svc, zones) for svc in found]
        if unanswered and down_cells.supported(req):
            # 2.69: the compute services of cells that did not answer.
            views = down_cells.compute_services(ctxt, unanswered, host,
                                                binary) + views
        return {'services': views}

    def update(self, req, id, body):
        ctxt = req.context
        ctxt.can('os_compute_api:os-services:update', target={})
        if avr.is_supported(req, '2.53'):
            return self._update_by_uuid(req, id, body)
        actions = {'enable': (schema.service_update, self._enable),
                   'disable': (schema.service_update, self._disable),
                   'disable-log-reason': (schema.disable_log_reason,
                                          self._disable_log_reason)}
        if avr.is_supported(req, '2.11'):
            actions['force-down'] = (schema.force_down, self._force_down)
        if id not in actions:
            raise exception.NotFound(
                _('Unknown action %(action)s: use one of %(actions)s.') % {
                    'action': id, 'actions': ', '.join(sorted(actions))})
        body_schema, handler = actions[id]
        validation.validate(body_schema, body)
        try:
            cell, service = cell_hosts.find_service(ctxt, body['host'],
                                                    body['binary'])
        except exception.ServiceNotFound:
            raise exception.NotFound(
                _('Host %(host)s has no service %(binary)s.') % body)
        with nova_context.target_cell(ctxt, cell) as cctxt:
            service._context = cctxt
            return {'service': handler(service, body)}

    def _update_by_uuid(self, req, service_id, body):
        """2.53: PUT /os-services/{uuid} with status, disabled_reason
        and forced_down; the answer is the service as it is now."""
        ctxt = req.context
        validation.validate(schema.service_update_v253, body)
        _check_uuid(service_id)
        if 'status' not in body and 'forced_down' not in body:
            raise exception.ValidationError(
                detail=_('Give at least one of status and forced_down.'))
        if 'disabled_reason' in body and body.get('status') != 'disabled':
            raise exception.ValidationError(
                detail=_('disabled_reason is only allowed with the status '
                         'disabled.'))
        cell, service = find_by_uuid(ctxt, service_id)
        if service.binary != COMPUTE:
            raise ServiceUpdateNotSupported(binary=service.binary)
        with nova_context.target_cell(ctxt, cell) as cctxt:
            service._context = cctxt
            if 'status' in body:
                service.disabled = body['status'] == 'disabled'
                service.disabled_reason = (body.get('disabled_reason')
                                           if service.disabled else None)
            if 'forced_down' in body:
                service.forced_down = _bool(body['forced_down'])
            service.save()
        zones = availability_zones.host_zones(ctxt)
        return {'service': self._view(req, service, zones)}

    @staticmethod
    def _enable(service, body):
        service.disabled = False
        service.disabled_reason = None
        service.save()
        return {'host': service.host, 'binary': service.binary,
                'status': 'enabled'}

    @staticmethod
    def _disable(service, body):
        service.disabled = True
        service.save()
        return {'host': service.host, 'binary': service.binary,
                'status': 'disabled'}

    @staticmethod
    def _disable_log_reason(service, body):
        service.disabled = True
        service.disabled_reason = body['disabled_reason']
        service.save()
        return {'host': service.host, 'binary': service.binary,
                'status': 'disabled',
                'disabled_reason': service.disabled_reason}

    @staticmethod
    def _force_down(service, body):
        service.forced_down = _bool(body['forced_down'])
        service.save()
        return {'host': service.host, 'binary': service.binary,
                'forced_down': service.forced_down}

    @wsgi.response(204)
    def delete(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-services:delete', target={})
        if avr.is_supported(req, '2.53'):
            _check_uuid(id)
            cell, service = find_by_uuid(ctxt, id)
            self._delete(ctxt, cell, service)
            return
        try:
            service_id = int(id)
        except ValueError:
            raise exception.ValidationError(
                detail=_('Service id %s is not an integer: use the id that '
                         'GET /os-services shows.') % id)
        if not 0 < service_id < 2 ** 31:
            raise exception.ServiceNotFound(service_id=id)
        found = []
        for cell in cell_hosts.cells(ctxt):
            with nova_context.target_cell(ctxt, cell) as cctxt:
                try:
                    found.append((cell, objects.Service.get_by_id(
                        cctxt, service_id)))
                except exception.ServiceNotFound:
                    pass
        if not found:
            raise exception.ServiceNotFound(service_id=id)
        if len(found) > 1:
            raise ServiceIdNotUnique(service_id=id)
        self._delete(ctxt, *found[0])

    def _delete(self, ctxt, cell, service):
        with nova_context.target_cell(ctxt, cell) as cctxt:
            if service.binary == COMPUTE:
                self._delete_compute(ctxt, cctxt, service)
            service._context = cctxt
            service.destroy()

    @staticmethod
    def _delete_compute(ctxt, cctxt, service):
        """Remove what a compute service leaves elsewhere: its providers
        in Placement, its aggregate memberships and its host mapping.
        Placement goes first: if it fails nothing else has changed."""
        uuids = objects.InstanceList.get_uuids_by_host(cctxt, service.host)
        if uuids:
            raise ServiceHostsInstances(service_id=service.id,
                                        host=service.host, count=len(uuids))
        nodes = [n for n in objects.ComputeNodeList.get_all(cctxt)
                 if n.service_id == service.id or n.host == service.host]
        for node in nodes:
            cell_hosts.placement().delete_resource_provider(
                cctxt, node, cascade=True)
        for agg in objects.AggregateList.get_by_host(ctxt, service.host):
            agg.delete_host(service.host)
        try:
            objects.HostMapping.get_by_host(ctxt, service.host).destroy()
        except exception.HostMappingNotFound:
            LOG.info('Compute host %s had no host mapping', service.host)
