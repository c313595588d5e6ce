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
"""

from oslo_log import log as logging

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


class ServerExternalEventsController:

    @validation.schema(schema.create_v251, '2.51')
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
            if instance is None:
                result.update(code=404, status='failed')
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
