"""/os-aggregates: host aggregates, their hosts, metadata and zone.

A host is in at most one availability zone: adding it to an aggregate,
or naming the zone of an aggregate, is refused when that would put one
of its hosts in two zones. Membership is mirrored to Placement as the
aggregates of the hosts' compute node providers.

``POST /os-aggregates/{id}/images`` (2.81) asks for images to be cached
on the aggregate's hosts ahead of boots. The images are checked (each
must exist and be active) and the request is accepted (202) and logged;
the computes of this service have no precache operation yet, so each
host still fetches an image when it first boots a server from it. The
Compute API documents the precache as best effort.
"""

from oslo_log import log as logging

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import errors
from nova.api.openstack.compute import cell_hosts
from nova.api.openstack.compute.schemas import aggregates as schema
from nova.i18n import _
from nova.image import glance
from nova.objects import aggregate as agg_obj

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)
AZ_KEY = agg_obj.AZ_KEY


class InvalidAggregateAction(exception.Invalid):
    msg_fmt = _('Cannot %(action)s aggregate %(aggregate_id)s: %(reason)s')


class HostInOtherZone(exception.Conflict):
    msg_fmt = _('Cannot add host %(host)s to aggregate %(aggregate_id)s: '
                'the host is already in availability zone %(zone)s.')


class InvalidImageToCache(exception.Invalid):
    msg_fmt = _('cache: image %(image_id)s cannot be cached: %(reason)s.')


def _time(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


def _aggregate_id(id):
    try:
        value = int(id)
    except ValueError:
        raise exception.ValidationError(
            detail=_('Aggregate id %s is not an integer.') % id)
    if not 0 < value < 2 ** 31:
        raise agg_obj.AggregateNotFound(aggregate_id=id)
    return value


def _name(spec):
    name = spec['name'].strip()
    if not name:
        raise exception.ValidationError(
            detail=_('Aggregate name must not be empty or only spaces.'))
    return name


class AggregateController:

    # Views ---------------------------------------------------------------

    @staticmethod
    def _view(req, agg, full=True):
        body = {
            'id': agg.id,
            'name': agg.name,
            'availability_zone': agg.availability_zone,
            'created_at': _time(agg.created_at),
            'updated_at': _time(agg.updated_at),
            'deleted_at': None,
            'deleted': False,
        }
        if full:
            body['hosts'] = list(agg.hosts)
            body['metadata'] = dict(agg.metadata)
        if avr.is_supported(req, '2.41'):
            body['uuid'] = agg.uuid
        return body

    # Checks --------------------------------------------------------------

    @staticmethod
    def _check_zone_name(action, agg_id, zone):
        if zone is None:
            return
        if zone == CONF.internal_service_availability_zone:
            raise InvalidAggregateAction(
                action=action, aggregate_id=agg_id,
                reason=_('the availability zone name cannot be %s, the '
                         'zone of internal services') % zone)
        try:
            validation.validate(schema.az_name, zone)
        except exception.ValidationError:
            raise InvalidAggregateAction(
                action=action, aggregate_id=agg_id,
                reason=_('%r is not a valid availability zone name (1 to '
                         '255 characters, no ":", no leading or trailing '
                         'spaces)') % zone)

    @staticmethod
    def _other_zones(ctxt, host, agg_id):
        """Zones of the other aggregates that hold ``host``."""
        return {a.availability_zone for a in
                objects.AggregateList.get_by_host(ctxt, host, key=AZ_KEY)
                if a.id != agg_id}

    def _check_new_zone(self, ctxt, agg, zone, action):
        """Changing the zone of ``agg``: no host may end in two zones, and
        no host may hold servers of the old zone."""
        self._check_zone_name(action, agg.id, zone)
        if zone == agg.availability_zone:
            return
        for host in agg.hosts:
            others = self._other_zones(ctxt, host, agg.id)
            if zone is not None and others - {zone}:
                raise InvalidAggregateAction(
                    action=action, aggregate_id=agg.id,
                    reason=_('host %(host)s is also in availability zone '
                             '%(zones)s') % {'host': host,
                                             'zones': ', '.join(
                                                 sorted(others))})
            if self._host_has_instances(ctxt, host):
                raise InvalidAggregateAction(
                    action=action, aggregate_id=agg.id,
                    reason=_('host %s has servers in the current '
                             'availability zone') % host)

    @staticmethod
    def _host_has_instances(ctxt, host):
        try:
            cell = cell_hosts.compute_host_cell(ctxt, host)
        except exception.NotFound:
            return False
        with nova_context.target_cell(ctxt, cell) as cctxt:
            return bool(objects.InstanceList.get_uuids_by_host(cctxt, host))

    # Placement mirror -------------------------------------------------------

    @staticmethod
    def _mirror(ctxt, host, agg, add):
        """Add/remove ``agg`` to the providers of ``host``'s nodes. The
        API DB is the truth: a failure is logged, not raised."""
        try:
            cell = cell_hosts.compute_host_cell(ctxt, host)
            with nova_context.target_cell(ctxt, cell) as cctxt:
                nodes = objects.ComputeNodeList.get_all_by_host(cctxt, host)
            for node in nodes:
                cell_hosts.placement().change_provider_aggregates(
                    ctxt, node.uuid, add=[agg.uuid] if add else [],
                    remove=[] if add else [agg.uuid])
        except Exception as exc:  # noqa: BLE001 - membership stays recorded
            LOG.warning('Could not mirror aggregate %(agg)s of host '
                        '%(host)s to Placement: %(exc)s',
                        {'agg': agg.uuid, 'host': host, 'exc': exc})

    # Handlers --------------------------------------------------------------

    def index(self, req):
        ctxt = req.context
        ctxt.can('os_compute_api:os-aggregates:index', target={})
        return {'aggregates': [self._view(req, a) for a in
                               objects.AggregateList.get_all(ctxt)]}

    @validation.schema(schema.create)
    def create(self, req, body):
        ctxt = req.context
        ctxt.can('os_compute_api:os-aggregates:create', target={})
        spec = body['aggregate']
        zone = spec.get('availability_zone')
        self._check_zone_name('create', spec['name'], zone)
        agg = objects.Aggregate(ctxt, name=_name(spec),
                                metadata={AZ_KEY: zone} if zone else {})
        agg.create()
        return {'aggregate': self._view(req, agg, full=False)}

    def show(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-aggregates:show', target={})
        agg = objects.Aggregate.get_by_id(ctxt, _aggregate_id(id))
        return {'aggregate': self._view(req, agg)}

    @validation.schema(schema.update)
    def update(self, req, id, body):
        ctxt = req.context
        ctxt.can('os_compute_api:os-aggregates:update', target={})
        agg = objects.Aggregate.get_by_id(ctxt, _aggregate_id(id))
        spec = body['aggregate']
        if 'availability_zone' in spec:
            self._check_new_zone(ctxt, agg, spec['availability_zone'],
                                 'update')
        if 'name' in spec:
            agg.name = _name(spec)
            agg.save()
        if 'availability_zone' in spec:
            agg.update_metadata({AZ_KEY: spec['availability_zone']})
        return {'aggregate': self._view(req, agg)}

    # 200 with no body, as the API documents.
    def delete(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-aggregates:delete', target={})
        agg = objects.Aggregate.get_by_id(ctxt, _aggregate_id(id))
        if agg.hosts:
            raise InvalidAggregateAction(
                action='delete', aggregate_id=agg.id,
                reason=_('it still has hosts %s; remove them first') %
                ', '.join(agg.hosts))
        agg.destroy()

    @validation.schema(schema.images, '2.81')
    def images(self, req, id, body):
        if not avr.is_supported(req, '2.81'):
            raise errors.VersionNotFoundForAPIMethod(
                version=req.api_version_request.get_string())
        ctxt = req.context
        ctxt.can('compute:aggregates:images', target={})
        image_ids = [item['id'] for item in body['cache']]
        duplicates = sorted({i for i in image_ids if image_ids.count(i) > 1})
        if duplicates:
            raise exception.ValidationError(
                detail=_('cache names image %s more than once.') %
                ', '.join(duplicates))
        agg = objects.Aggregate.get_by_id(ctxt, _aggregate_id(id))
        image_api = glance.API()
        for image_id in image_ids:
            try:
                image = image_api.get(ctxt, image_id)
            except exception.ImageNotFound:
                raise InvalidImageToCache(image_id=image_id,
                                          reason=_('there is no such image'))
            if image.get('status') != 'active':
                raise InvalidImageToCache(image_id=image_id,
                                          reason=_('it is not active'))
        LOG.info('Caching of images %(images)s on the hosts %(hosts)s of '
                 'aggregate %(agg)s requested; the computes fetch images '
                 'when they first boot from them',
                 {'images': ', '.join(image_ids),
                  'hosts': ', '.join(agg.hosts) or '(none)', 'agg': agg.id})
        return wsgi.ResponseObject(None, code=202)

    def action(self, req, id, body):
        actions = {'add_host': (schema.add_host, self._add_host),
                   'remove_host': (schema.remove_host, self._remove_host),
                   'set_metadata': (schema.set_metadata,
                                    self._set_metadata)}
        if not isinstance(body, dict) or len(body) != 1 or \
                next(iter(body)) not in actions:
            raise exception.ValidationError(
                detail=_('The action body must have exactly one of %s.') %
                ', '.join(sorted(actions)))
        name = next(iter(body))
        body_schema, handler = actions[name]
        req.context.can(f'os_compute_api:os-aggregates:{name}', target={})
        validation.validate(body_schema, body)
        agg = objects.Aggregate.get_by_id(req.context, _aggregate_id(id))
        handler(req.context, agg, body[name])
        return {'aggregate': self._view(req, agg)}

    def _add_host(self, ctxt, agg, spec):
        host = spec['host']
        cell_hosts.compute_host_cell(ctxt, host)
        zone = agg.availability_zone
        if zone is not None:
            others = self._other_zones(ctxt, host, agg.id) - {zone}
            if others:
                raise HostInOtherZone(host=host, aggregate_id=agg.id,
                                      zone=', '.join(sorted(others)))
        agg.add_host(host)
        self._mirror(ctxt, host, agg, add=True)

    def _remove_host(self, ctxt, agg, spec):
        host = spec['host']
        agg.delete_host(host)
        self._mirror(ctxt, host, agg, add=False)

    def _set_metadata(self, ctxt, agg, spec):
        metadata = spec['metadata']
        if AZ_KEY in metadata:
            self._check_new_zone(ctxt, agg, metadata[AZ_KEY],
                                 'set metadata of')
        agg.update_metadata(metadata)

