"""/servers/{server_id}/os-instance-actions: what happened to a server.

The events of an action are shown to those allowed
``os_compute_api:os-instance-actions:events`` (admins), with their
tracebacks; from 2.51 to everyone who may see the action, without the
tracebacks. From 2.58 actions carry ``updated_at`` and the list pages
with ``limit`` and ``marker`` (a request id) and filters by
``changes-since``. From 2.62 events carry ``hostId`` (and ``host`` for
those who see tracebacks). 2.66 adds the ``changes-before`` filter.
From 2.84 events carry ``details``: for a failed event, what went wrong
(the message a server fault would show; null otherwise).
"""

import copy

from nova import context as nova_context
from nova import exception, objects
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common
from nova.api.openstack.compute.views import servers as server_views
from nova.api.validation import parameter_types as types
from nova.compute import api as compute

index_query_v258 = {
    'type': 'object',
    'properties': {
        'limit': types.query_limit,
        'marker': types.query_marker,
        'changes-since': types.single({'type': 'string', 'minLength': 1}),
    },
    'additionalProperties': False,
}

index_query_v266 = copy.deepcopy(index_query_v258)
index_query_v266['properties']['changes-before'] = types.single(
    {'type': 'string', 'minLength': 1})


def _time(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


def _action_view(req, action):
    body = {'action': action.action, 'instance_uuid': action.instance_uuid,
            'request_id': action.request_id, 'user_id': action.user_id,
            'project_id': action.project_id,
            'start_time': _time(action.start_time),
            'message': action.message}
    if avr.is_supported(req, '2.58'):
        body['updated_at'] = _time(action.updated_at or action.start_time)
    return body


def _event_view(req, event, privileged, project_id):
    body = {'event': event.event, 'start_time': _time(event.start_time),
            'finish_time': _time(event.finish_time), 'result': event.result}
    if privileged:
        body['traceback'] = event.traceback
    if avr.is_supported(req, '2.62'):
        # 2.62: where the event ran, as an id unique per project (and by
        # name for those who may see tracebacks).
        body['hostId'] = server_views.hashed_host_id(event.host,
                                                     project_id)
        if privileged:
            body['host'] = event.host or ''
    if avr.is_supported(req, '2.84'):
        body['details'] = event.details
    return body



class InstanceActionsController:
    def __init__(self):
        self.compute_api = compute.API()

    def _instance_and_cell(self, req, server_id):
        """The server (deleted ones too from 2.21) and its cell."""
        ctxt = req.context
        if not avr.is_supported(req, '2.21'):
            instance = self.compute_api.get(ctxt, server_id,
                                            expected_attrs=[])
            cell = (self.compute_api.cell_of(ctxt, server_id)
                    if instance.obj_attr_is_set('id') else None)
            return instance, cell
        try:
            cell = self.compute_api.cell_of(ctxt, server_id)
        except exception.InstanceMappingNotFound:
            raise exception.InstanceNotFound(instance_id=server_id)
        if cell is None:
            return self.compute_api.get(ctxt, server_id,
                                        expected_attrs=[]), None
        with nova_context.target_cell(ctxt, cell) as cctxt:
            cctxt.read_deleted = 'yes'
            instance = objects.Instance.get_by_uuid(cctxt, server_id)
        if not ctxt.is_admin and instance.project_id != ctxt.project_id:
            raise exception.InstanceNotFound(instance_id=server_id)
        return instance, cell

    @validation.query_schema(index_query_v266, '2.66')
    @validation.query_schema(index_query_v258, '2.58', '2.65')
    def index(self, req, server_id):
        instance, cell = self._instance_and_cell(req, server_id)
        req.context.can('os_compute_api:os-instance-actions:list',
                        target={'project_id': instance.project_id})
        paged = avr.is_supported(req, '2.58')
        limit, marker, filters = None, None, None
        if paged:
            limit, marker = common.get_limit_and_marker(req)
            filters = common.changes_filters(
                req, with_before=avr.is_supported(req, '2.66'))
        if cell is None:
            if marker is not None:
                raise exception.MarkerNotFound(marker=marker)
            return {'instanceActions': []}
        with nova_context.target_cell(req.context, cell) as cctxt:
            actions = objects.InstanceActionList.get_by_instance_uuid(
                cctxt, server_id, limit=limit, marker=marker,
                filters=filters)
        items = [_action_view(req, a) for a in actions]
        result = {'instanceActions': items}
        if paged:
            links = common.next_link(
                req, f'servers/{server_id}/os-instance-actions', items,
                limit, id_key='request_id')
            if links:
                result['links'] = links
        return result

    def show(self, req, server_id, id):
        ctxt = req.context
        instance, cell = self._instance_and_cell(req, server_id)
        target = {'project_id': instance.project_id}
        ctxt.can('os_compute_api:os-instance-actions:show', target=target)
        if cell is None:
            raise exception.InstanceActionNotFound(
                request_id=id, instance_uuid=server_id)
        with nova_context.target_cell(ctxt, cell) as cctxt:
            action = objects.InstanceAction.get_by_request_id(
                cctxt, server_id, id)
            if action is None:
                raise exception.InstanceActionNotFound(
                    request_id=id, instance_uuid=server_id)
            body = _action_view(req, action)
            privileged = ctxt.can('os_compute_api:os-instance-actions:events',
                                  target=target, fatal=False)
            if privileged or avr.is_supported(req, '2.51'):
                events = objects.InstanceActionEventList.get_by_action(
                    cctxt, action.id)
                body['events'] = [
                    _event_view(req, e, privileged, instance.project_id)
                    for e in events]
        return {'instanceAction': body}
