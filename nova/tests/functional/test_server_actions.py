"""Server actions that keep a server on its host, through the REST API:
API -> compute API (state table, lock) -> compute RPC -> manager -> fake
driver, with instance actions, events and faults."""

import time

import pytest

from nova.compute import power_state
from nova.tests.functional import fixtures
from nova.virt import fake


@pytest.fixture
def server(api, image_id):
    """An ACTIVE server, deleted after the test."""
    created = api.create_server('action-server', image_id)
    active = api.wait_for_server(created['id'], ('ACTIVE', 'ERROR'))
    assert active['status'] == 'ACTIVE', active.get('fault')
    yield active
    fake.FakeDriver.clear_faults()
    api.post(f"/servers/{created['id']}/action", json={'unlock': None})
    if api.get(f"/servers/{created['id']}").status_code == 200:
        api.delete(f"/servers/{created['id']}")
        api.wait_until_gone(created['id'])


@pytest.fixture
def member(all_in_one):
    """A non-admin member of the admin client's project."""
    return fixtures.ComputeClient(all_in_one.endpoints.api_url,
                                  token='demo:admin')


def act(api, server_id, body, microversion=None):
    return api.post(f'/servers/{server_id}/action', json=body,
                    microversion=microversion)


def settled(api, server_id, status):
    """The server once it shows ``status`` with no task in progress."""
    deadline = time.monotonic() + 30
    while True:
        server = api.wait_for_server(server_id, (status,))
        if server['OS-EXT-STS:task_state'] is None:
            return server
        assert time.monotonic() < deadline, server
        time.sleep(0.05)


def actions(api, server_id):
    body = api.get(f'/servers/{server_id}/os-instance-actions').json()
    return [a['action'] for a in body['instanceActions']]


def events(api, server_id, request_id):
    resp = api.get(f'/servers/{server_id}/os-instance-actions/{request_id}')
    assert resp.status_code == 200, resp.text
    return {e['event']: e['result']
            for e in resp.json()['instanceAction']['events']}


def conflict_message(resp):
    assert resp.status_code == 409, resp.text
    return resp.json()['conflictingRequest']['message']


@pytest.mark.parametrize('reboot_type', ['SOFT', 'HARD'])
def test_reboot_ends_active_and_records_the_event(api, server, reboot_type):
    resp = act(api, server['id'], {'reboot': {'type': reboot_type}})
    assert resp.status_code == 202, resp.text
    after = settled(api, server['id'], 'ACTIVE')
    assert after['OS-EXT-STS:power_state'] == power_state.RUNNING
    request_id = resp.headers['x-openstack-request-id']
    assert events(api, server['id'], request_id) == {
        'compute_reboot_instance': 'Success'}
    assert actions(api, server['id'])[0] == 'reboot'


def test_reboot_with_a_bad_type_is_400(api, server):
    resp = act(api, server['id'], {'reboot': {'type': 'GENTLE'}})
    assert resp.status_code == 400
    assert 'GENTLE' in resp.json()['badRequest']['message']


def test_stop_then_start(api, server):
    assert act(api, server['id'], {'os-stop': None}).status_code == 202
    stopped = settled(api, server['id'], 'SHUTOFF')
    assert stopped['OS-EXT-STS:vm_state'] == 'stopped'
    assert stopped['OS-EXT-STS:power_state'] == power_state.SHUTDOWN
    assert act(api, server['id'], {'os-start': None}).status_code == 202
    started = settled(api, server['id'], 'ACTIVE')
    assert started['OS-EXT-STS:power_state'] == power_state.RUNNING
    assert actions(api, server['id'])[:2] == ['start', 'stop']


def test_start_an_active_server_is_409_naming_the_state(api, server):
    message = conflict_message(act(api, server['id'], {'os-start': None}))
    assert message == (f"Cannot 'start' instance {server['id']} while it is "
                       "in vm_state active")


def test_pause_a_stopped_server_is_409(api, server):
    act(api, server['id'], {'os-stop': None})
    settled(api, server['id'], 'SHUTOFF')
    message = conflict_message(act(api, server['id'], {'pause': None}))
    assert message == (f"Cannot 'pause' instance {server['id']} while it is "
                       "in vm_state stopped")


def test_pause_then_unpause(api, server):
    assert act(api, server['id'], {'pause': None}).status_code == 202
    paused = settled(api, server['id'], 'PAUSED')
    assert paused['OS-EXT-STS:power_state'] == power_state.PAUSED
    assert act(api, server['id'], {'unpause': None}).status_code == 202
    settled(api, server['id'], 'ACTIVE')


def test_unpause_an_active_server_is_409(api, server):
    assert 'vm_state active' in conflict_message(
        act(api, server['id'], {'unpause': None}))


def test_suspend_then_resume(api, server):
    assert act(api, server['id'], {'suspend': None}).status_code == 202
    suspended = settled(api, server['id'], 'SUSPENDED')
    assert suspended['OS-EXT-STS:power_state'] == power_state.SUSPENDED
    assert act(api, server['id'], {'resume': None}).status_code == 202
    settled(api, server['id'], 'ACTIVE')


def test_resume_an_active_server_is_409(api, server):
    assert 'resume' in conflict_message(
        act(api, server['id'], {'resume': None}))


def test_locked_server_refuses_a_member_but_not_an_admin(api, member,
                                                         server):
    assert act(member, server['id'], {'lock': None}).status_code == 202
    shown = api.get_server(server['id'])
    assert shown['locked'] is True
    message = conflict_message(act(member, server['id'], {'os-stop': None}))
    assert 'locked' in message
    assert act(api, server['id'], {'pause': None}).status_code == 202
    settled(api, server['id'], 'PAUSED')
    assert act(member, server['id'], {'unlock': None}).status_code == 202
    assert act(member, server['id'], {'unpause': None}).status_code == 202
    settled(api, server['id'], 'ACTIVE')
    assert {'lock', 'unlock'} <= set(actions(api, server['id']))


def test_owner_cannot_unlock_an_admin_lock(api, member, server):
    # The admin client is in the same project: lock it as another one.
    other_admin = fixtures.ComputeClient(api.base_url, token='admin:ops')
    assert act(other_admin, server['id'], {'lock': None}).status_code == 202
    resp = act(member, server['id'], {'unlock': None})
    assert resp.status_code == 403, resp.text


def test_locked_server_cannot_be_deleted_by_a_member(api, member, server):
    act(api, server['id'], {'lock': None})
    assert member.delete(f"/servers/{server['id']}").status_code == 409


def test_reset_state_is_admin_only_and_clears_the_task(api, member, server):
    resp = act(member, server['id'], {'os-resetState': {'state': 'error'}})
    assert resp.status_code == 403
    resp = act(api, server['id'], {'os-resetState': {'state': 'error'}})
    assert resp.status_code == 202, resp.text
    assert api.get_server(server['id'])['status'] == 'ERROR'
    act(api, server['id'], {'os-resetState': {'state': 'active'}})
    assert api.get_server(server['id'])['status'] == 'ACTIVE'


def test_reset_state_to_an_unknown_state_is_400(api, server):
    resp = act(api, server['id'], {'os-resetState': {'state': 'happy'}})
    assert resp.status_code == 400


def test_change_password_reaches_the_guest(api, server, all_in_one):
    resp = act(api, server['id'], {'changePassword': {'adminPass': 's3cr3t'}})
    assert resp.status_code == 202, resp.text
    settled(api, server['id'], 'ACTIVE')
    guest = compute_manager(all_in_one).driver.guest(server['id'])
    assert guest.admin_password == 's3cr3t'
    assert actions(api, server['id'])[0] == 'changePassword'


def test_change_password_of_a_paused_server_is_409(api, server):
    act(api, server['id'], {'pause': None})
    settled(api, server['id'], 'PAUSED')
    assert 'vm_state paused' in conflict_message(act(
        api, server['id'], {'changePassword': {'adminPass': 'x'}}))


def test_console_output_tail(api, server):
    resp = act(api, server['id'], {'os-getConsoleOutput': {'length': 1}})
    assert resp.status_code == 200, resp.text
    last = resp.json()['output']
    assert last.count('\n') == 1
    full = act(api, server['id'], {'os-getConsoleOutput': {}}).json()
    assert full['output'].endswith(last) and full['output'].count('\n') > 1


def test_console_output_with_a_bad_length_is_400(api, server):
    resp = act(api, server['id'], {'os-getConsoleOutput': {'length': 'x'}})
    assert resp.status_code == 400


def test_trigger_crash_dump_needs_2_17(api, server, all_in_one):
    resp = act(api, server['id'], {'trigger_crash_dump': None},
               microversion='2.16')
    assert resp.status_code == 404
    resp = act(api, server['id'], {'trigger_crash_dump': None},
               microversion='2.17')
    assert resp.status_code == 202, resp.text
    guest = compute_manager(all_in_one).driver.guest(server['id'])
    deadline = time.monotonic() + 10
    while guest.crash_dumps == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert guest.crash_dumps == 1


def test_trigger_crash_dump_of_a_stopped_server_is_409(api, server):
    act(api, server['id'], {'os-stop': None})
    settled(api, server['id'], 'SHUTOFF')
    resp = act(api, server['id'], {'trigger_crash_dump': None},
               microversion='2.17')
    assert 'vm_state stopped' in conflict_message(resp)


def test_unknown_action_is_400(api, server):
    resp = act(api, server['id'], {'dance': None})
    assert resp.status_code == 400
    assert 'dance' in resp.json()['badRequest']['message']


def test_two_actions_in_one_body_is_400(api, server):
    resp = act(api, server['id'], {'pause': None, 'suspend': None})
    assert resp.status_code == 400


def test_failed_reboot_ends_in_error_with_a_fault(api, server):
    fake.FakeDriver.set_fault('reboot', RuntimeError('hypervisor hiccup'),
                              count=1)
    resp = act(api, server['id'], {'reboot': {'type': 'SOFT'}})
    assert resp.status_code == 202
    failed = settled(api, server['id'], 'ERROR')
    assert 'hypervisor hiccup' in failed['fault']['message']
    assert 'reboot' in failed['fault']['message']
    request_id = resp.headers['x-openstack-request-id']
    assert events(api, server['id'], request_id) == {
        'compute_reboot_instance': 'Error'}


def test_failed_pause_goes_back_to_active(api, server):
    fake.FakeDriver.set_fault('pause', RuntimeError('no'), count=1)
    resp = act(api, server['id'], {'pause': None})
    assert resp.status_code == 202
    request_id = resp.headers['x-openstack-request-id']
    deadline = time.monotonic() + 10
    while events(api, server['id'], request_id).get(
            'compute_pause_instance') != 'Error':
        assert time.monotonic() < deadline, 'the pause did not fail'
        time.sleep(0.05)
    after = settled(api, server['id'], 'ACTIVE')
    assert after['OS-EXT-STS:power_state'] == power_state.RUNNING


def test_update_name_and_description(api, server):
    resp = api.request('PUT', f"/servers/{server['id']}", json={
        'server': {'name': 'renamed', 'description': 'about it'}},
        microversion='2.19')
    assert resp.status_code == 200, resp.text
    shown = api.get_server(server['id'])
    assert (shown['name'], shown['description']) == ('renamed', 'about it')


def compute_manager(all_in_one):
    """The compute manager this test process runs."""
    for part in all_in_one._started:
        if getattr(part, 'binary', None) == 'nova-compute':
            return part.manager
    raise AssertionError('no nova-compute in the all-in-one deployment')


def test_power_sync_stops_a_server_whose_guest_shut_down(api, server,
                                                         all_in_one):
    from nova import context
    mgr = compute_manager(all_in_one)
    mgr.driver.set_power_state(server['id'], power_state.SHUTDOWN)
    mgr.sync_power_states(context.get_admin_context())
    stopped = api.get_server(server['id'])
    assert (stopped['status'], stopped['OS-EXT-STS:power_state']) == (
        'SHUTOFF', power_state.SHUTDOWN)
    body = api.get(f"/servers/{server['id']}/os-instance-actions").json()
    latest = body['instanceActions'][0]
    assert (latest['action'], latest['user_id']) == ('stop', None)


@pytest.mark.parametrize('body', [
    {'reboot': {}}, {'reboot': None}, {'changePassword': {}},
    {'changePassword': {'adminPass': ''}}, {'os-resetState': {}},
    {'pause': {'now': True}}, {'os-getConsoleOutput': {'length': '-5'}},
    {'os-stop': 'please'},
])
def test_bad_action_bodies_are_400_and_change_nothing(api, server, body):
    resp = act(api, server['id'], body)
    assert resp.status_code == 400, resp.text
    assert resp.json()['badRequest']['message']
    after = api.get_server(server['id'])
    assert (after['status'], after['OS-EXT-STS:task_state']) == ('ACTIVE',
                                                                 None)
