"""/servers/{server_id}/os-instance-actions: what happened to a server."""

from nova import context as nova_context
from nova import exception, objects
from nova.api.openstack import api_version_request as avr
from nova.compute import api as compute


def _time(value):
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f') if value else None


def _action_view(action):
    return {'action': action.action, 'instance_uuid': action.instance_uuid,
            'request_id': action.request_id, 'user_id': action.user_id,
            'project_id': action.project_id,
            'start_time': _time(action.start_time),
            'message': action.message}


def _event_view(event, show_traceback):
    body = {'event': event.event, 'start_time': _time(event.start_time),
            'finish_time': _time(event.finish_time), 'result': event.result}
    if show_traceback:
        body['traceback'] = event.traceback
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

    def index(self, req, server_id):
        instance, cell = self._instance_and_cell(req, server_id)
        req.context.can('os_compute_api:os-instance-actions:list',
                        target={'project_id': instance.project_id})
        if cell is None:
            return {'instanceActions': []}
        with nova_context.target_cell(req.context, cell) as cctxt:
            actions = objects.InstanceActionList.get_by_instance_uuid(
                cctxt, server_id)
        return {'instanceActions': [_action_view(a) for a in actions]}

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
            body = _action_view(action)
            if ctxt.can('os_compute_api:os-instance-actions:events',
                        target=target, fatal=False):
                events = objects.InstanceActionEventList.get_by_action(
                    cctxt, action.id)
                body['events'] = [_event_view(e, True) for e in events]
        return {'instanceAction': body}
