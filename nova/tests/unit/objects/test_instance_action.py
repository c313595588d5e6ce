import pytest
from oslo_utils import uuidutils

from nova import context, exception, objects


@pytest.fixture
def inst_ctxt(ctxt):
    inst = objects.Instance(ctxt, uuid=uuidutils.generate_uuid(),
                            project_id='p', user_id='u')
    inst.create()
    req_ctxt = context.RequestContext(user_id='u', project_id='p',
                                      request_id='req-1')
    return inst, req_ctxt


def test_action_start_finish(inst_ctxt):
    inst, c = inst_ctxt
    objects.InstanceAction.action_start(c, inst.uuid, 'create')
    action = objects.InstanceAction.action_finish(c, inst.uuid)
    assert (action.action, action.request_id, action.user_id) == \
        ('create', 'req-1', 'u')
    assert action.finish_time is not None
    assert objects.InstanceAction.get_by_request_id(
        c, inst.uuid, 'req-1').id == action.id


def test_missing_action_raises(inst_ctxt):
    inst, c = inst_ctxt
    with pytest.raises(exception.InstanceActionNotFound):
        objects.InstanceAction.get_by_request_id(c, inst.uuid, 'nope')


def test_events_success_and_failure(inst_ctxt):
    inst, c = inst_ctxt
    action = objects.InstanceAction.action_start(c, inst.uuid, 'create')
    objects.InstanceActionEvent.event_start(c, inst.uuid, 'build',
                                            host='h1')
    objects.InstanceActionEvent.event_finish(c, inst.uuid, 'build')
    objects.InstanceActionEvent.event_start(c, inst.uuid, 'spawn')
    try:
        raise ValueError('disk full')
    except ValueError as exc:
        objects.InstanceActionEvent.event_finish_with_failure(
            c, inst.uuid, 'spawn', exc_val=exc, exc_tb=exc.__traceback__)
    events = objects.InstanceActionEventList.get_by_action(c, action.id)
    by_name = {e.event: e for e in events}
    assert by_name['build'].result == 'Success'
    assert by_name['build'].host == 'h1'
    assert by_name['spawn'].result == 'Error'
    assert by_name['spawn'].details == 'disk full'
    assert 'raise ValueError' in by_name['spawn'].traceback
    assert objects.InstanceAction.get_by_request_id(
        c, inst.uuid, 'req-1').message == 'Error'


def test_action_list_newest_first_with_marker(inst_ctxt):
    inst, c = inst_ctxt
    for i in range(3):
        rc = context.RequestContext(user_id='u', project_id='p',
                                    request_id=f'req-{i}')
        objects.InstanceAction.action_start(rc, inst.uuid, 'reboot')
    actions = objects.InstanceActionList.get_by_instance_uuid(c, inst.uuid)
    assert [a.request_id for a in actions] == ['req-2', 'req-1', 'req-0']
    page = objects.InstanceActionList.get_by_instance_uuid(
        c, inst.uuid, limit=1, marker='req-2')
    assert [a.request_id for a in page] == ['req-1']
    with pytest.raises(exception.MarkerNotFound):
        objects.InstanceActionList.get_by_instance_uuid(c, inst.uuid,
                                                        marker='nope')
