"""/os-server-external-events: other services (the network service)
report events of servers, such as a port plugged.

Each event gets a code: 200 accepted, 404 the server does not exist,
422 the server is not on a compute host yet (nothing there to tell).
The reply is 200 when all are accepted, 207 when some are, 404 when
none is.

Accepted events are logged and not forwarded: the local flat network
plugs ports synchronously during a boot, so no compute waits for a
``network-vif-plugged`` event yet, and no server has a volume attached
that a ``volume-extended`` event (2.51; its ``tag`` is the volume id)
could concern.

A ``power-update`` event (2.76) tells that a server was powered on or off
outside the compute service; its ``tag`` must be ``POWER_ON`` or
``POWER_OFF`` (code 400 otherwise). It is accepted and logged like the
others: the virt drivers of this service (libvirt, fake) own the power
state of their servers, and the compute's periodic power sync records it
from the hypervisor.

An ``accelerator-request-bound`` event (2.82) tells that an accelerator
request (its uuid is the ``tag``, code 400 without one) was bound for a
server. This service has no accelerator service and boots no server
with accelerators, so no compute waits for it: it is accepted and
logged.
"""

from oslo_log import log as logging
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import exception, objects
from nova.api import validation, wsgi
from nova.api.openstack.compute.schemas import server_external_events as schema

LOG = logging.getLogger(__name__)


def _find(ctxt, server_uuid):
    """The instance, or None when it does not exist (or is deleted)."""
    try:
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            ctxt, server_uuid)
    except exception.InstanceMappingNotFound:
        return None
    if mapping.cell_mapping is None:
        return False     # still a build request: known, not on a host
    with nova_context.target_cell(ctxt, mapping.cell_mapping) as cctxt:
        try:
            return objects.Instance.get_by_uuid(cctxt, server_uuid)
        except exception.InstanceNotFound:
            return None


# The tag a power-update event must carry (2.76).
POWER_TAGS = ('POWER_ON', 'POWER_OFF')


def _tag_error(event):
    """Why the event's tag does not fit its name, or None."""
    if event['name'] == 'power-update' and event.get('tag') not in POWER_TAGS:
        return 'the tag of a power-update event must be one of ' + \
            ', '.join(POWER_TAGS)
    if event['name'] == 'accelerator-request-bound' and \
            not uuidutils.is_uuid_like(event.get('tag')):
        return 'the tag of an accelerator-request-bound event must be ' \
            'the uuid of the accelerator request'
    return None


class ServerExternalEventsController:

    @validation.schema(schema.create_v282, '2.82')
    @validation.schema(schema.create_v276, '2.76', '2.81')
    @validation.schema(schema.create_v251, '2.51', '2.75')
    @validation.schema(schema.create, '2.0', '2.50')
    def create(self, req, body):
        ctxt = req.context
        ctxt.can('os_compute_api:os-server-external-events:create',
                 target={})
        results = []
        found = {}
        for event in body['events']:
            result = {'name': event['name'],
                      'server_uuid': event['server_uuid'],
                      'status': event.get('status', 'completed')}
            if 'tag' in event:
                result['tag'] = event['tag']
            uuid = event['server_uuid']
            if uuid not in found:
                found[uuid] = _find(ctxt, uuid)
            instance = found[uuid]
            tag_error = _tag_error(event)
            if instance is None:
                result.update(code=404, status='failed')
            elif tag_error:
                LOG.info('Event %s of server %s dropped: %s', event['name'],
                         uuid, tag_error)
                result.update(code=400, status='failed')
            elif instance is False or not instance.host:
                result.update(code=422, status='failed')
            else:
                result['code'] = 200
                LOG.info('Event %s (%s) of server %s on host %s accepted',
                         event['name'], result['status'], uuid,
                         instance.host)
            results.append(result)
        accepted = sum(1 for r in results if r['code'] == 200)
        if not accepted:
            code = 404
        elif accepted < len(results):
            code = 207
        else:
            code = 200
        return wsgi.ResponseObject({'events': results}, code=code)
