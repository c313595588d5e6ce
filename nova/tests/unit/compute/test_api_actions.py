"""Compute API server actions over real API and cell DBs; the compute RPC
is the named double of nova/tests/unit/api/conftest.py, here made to fail
like a broken bus."""

import oslo_messaging as messaging
import pytest

from nova import context as nova_context
from nova import exception, objects
from nova.compute import api as compute_api
from nova.compute import api_actions, task_states, vm_states
from nova.tests.unit.api.conftest import IMAGE_ID, FakeImageAPI, conf, dbs, peers  # noqa: F401


@pytest.fixture
def api(peers):  # noqa: F811
    return compute_api.API(image_api=FakeImageAPI())


@pytest.fixture
def ctxt(dbs):  # noqa: F811
    return nova_context.RequestContext(user_id='u1', project_id='p1',
                                       roles=['member', 'reader'])


@pytest.fixture
def active(api, ctxt, dbs):  # noqa: F811
    """An active instance on host1 in cell1, as the conductor leaves it."""
    admin = nova_context.get_admin_context()
    flavor = objects.Flavor(admin, name='small', flavorid='1',
                            memory_mb=1024, vcpus=1, root_gb=1,
                            ephemeral_gb=0, swap=0, rxtx_factor=1.0,
                            is_public=True, disabled=False)
    flavor.create()
    instances, _ = api.create(ctxt, flavor, IMAGE_ID, 'vm')
    uuid = instances[0].uuid
    build_request = objects.BuildRequest.get_by_instance_uuid(admin, uuid)
    with nova_context.target_cell(admin, dbs.cell1) as cctxt:
        instance = build_request.get_new_instance(cctxt)
        instance.host = 'host1'
        instance.vm_state = vm_states.ACTIVE
        instance.task_state = None
        instance.create()
    mapping = objects.InstanceMapping.get_by_instance_uuid(admin, uuid)
    mapping.cell_mapping = dbs.cell1
    mapping.save()
    build_request.destroy()
    return uuid


class _BrokenBus:
    def pause_instance(self, ctxt, instance):
        raise messaging.MessageDeliveryFailure('rabbit is gone')


def test_bus_failure_puts_the_task_state_back(api, ctxt, active,
                                              monkeypatch):
    monkeypatch.setattr(compute_api.API, 'compute_rpcapi', _BrokenBus())
    with pytest.raises(exception.MessagingUnavailable):
        api.pause(ctxt, api.get(ctxt, active))
    instance = api.get(ctxt, active)
    assert (instance.vm_state, instance.task_state) == (vm_states.ACTIVE,
                                                        None)


def test_a_concurrent_action_is_409(api, ctxt, active, monkeypatch):
    monkeypatch.setattr(compute_api.API, 'compute_rpcapi', _BrokenBus())
    stale = api.get(ctxt, active)
    fresh = api.get(ctxt, active)
    fresh.task_state = task_states.SUSPENDING
    fresh.save()
    with pytest.raises(exception.InstanceInvalidState) as err:
        api.pause(ctxt, stale)
    assert 'task_state suspending' in err.value.format_message()


def test_lock_records_who_locked(api, ctxt, active):
    api.lock(ctxt, api.get(ctxt, active))
    instance = api.get(ctxt, active)
    assert (instance.locked, instance.locked_by) == (True, 'owner')
    api.unlock(ctxt, instance)
    assert api.get(ctxt, active).locked is False


def test_an_instance_on_no_host_is_409_not_a_cast_to_any_host(
        api, ctxt, active, peers):  # noqa: F811
    instance = api.get(ctxt, active)
    instance.host = None
    instance.vm_state = 'error'
    instance.save()
    with pytest.raises(api_actions.InstanceNotOnHost) as err:
        api.reboot(ctxt, api.get(ctxt, active), 'HARD')
    assert err.value.code == 409
    assert "Cannot 'reboot'" in err.value.format_message()
