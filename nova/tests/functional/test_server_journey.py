"""One server through every action of the Compute API, over HTTP.

After each action the test checks what a user and an operator can see:
the server view, the instance action and its events, the versioned
notifications sent (``instance.<action>.start/end`` and the
``instance.update`` chain of states), and that Placement holds exactly
what the server uses (its flavor on its host; nothing left on migration
consumers). In each stable state it also asks for the actions that state
refuses: each answers 409 and changes nothing.
"""

import itertools
import time

import pytest

from nova import context as nova_context
from nova import objects
from nova.tests.functional import fixtures
from nova.tests.functional.test_server_actions import act, settled
from nova.tests.functional.test_server_moves import (
    SMALL,
    TINY,
    _provider_of,
    _resources,
    second_host,
)

REBOOT_SOFT = {'reboot': {'type': 'SOFT'}}
LIVE = {'os-migrateLive': {'host': None, 'block_migration': 'auto'}}

# What each stable state must refuse (409), by the server's status.
REFUSED = {
    'ACTIVE': [{'os-start': None}, {'unpause': None}, {'resume': None},
               {'confirmResize': None}, {'revertResize': None},
               {'unshelve': None}, {'unrescue': None}, {'restore': None},
               {'shelveOffload': None}],
    'SHUTOFF': [{'os-stop': None}, {'pause': None}, {'suspend': None},
                REBOOT_SOFT, {'unpause': None}, {'resume': None},
                {'unrescue': None}, LIVE,
                {'changePassword': {'adminPass': 'x'}}],
    'PAUSED': [{'pause': None}, {'suspend': None}, {'os-start': None},
               {'rescue': None}, {'resize': {'flavorRef': '2'}},
               REBOOT_SOFT],
    'SUSPENDED': [{'suspend': None}, {'pause': None}, {'unpause': None},
                  {'os-stop': None}, {'migrate': None}, LIVE],
    'VERIFY_RESIZE': [{'resize': {'flavorRef': '1'}}, {'migrate': None},
                      {'os-stop': None}, {'pause': None}, {'shelve': None},
                      LIVE],
    'SHELVED_OFFLOADED': [{'os-start': None}, REBOOT_SOFT, {'pause': None},
                          {'resize': {'flavorRef': '2'}}, {'rescue': None},
                          {'createImage': {'name': 'x'}}, {'shelve': None}],
    'RESCUE': [{'rescue': None}, {'pause': None}, {'shelve': None},
               {'resize': {'flavorRef': '2'}}, {'os-start': None}],
    'ERROR': [{'os-start': None}, {'pause': None}, {'unpause': None},
              {'resize': {'flavorRef': '2'}}, {'shelve': None}, LIVE],
    'SOFT_DELETED': [{'os-start': None}, {'pause': None}, REBOOT_SOFT,
                     {'resize': {'flavorRef': '2'}}, {'shelve': None},
                     {'unshelve': None}],
}
VIEW_KEYS = ('status', 'OS-EXT-STS:vm_state', 'OS-EXT-STS:task_state',
             'OS-EXT-STS:power_state', 'OS-EXT-SRV-ATTR:host', 'locked')


@pytest.fixture(scope='module')
def two_hosts(all_in_one):
    yield from second_host('functional-host4')


class Journey:
    """One server, and the checks made after each of its steps."""

    def __init__(self, api, placement, notifications, server_id):
        self.api = api
        self.placement = placement
        self.notes = notifications
        self.id = server_id
        self.flavor = TINY

    def view(self):
        return self.api.get_server(self.id)

    def do(self, body, *, status_code=202, microversion='2.30'):
        """Send the action; its response, with the notification mark
        taken just before."""
        self.mark = self.notes.mark()
        resp = act(self.api, self.id, body, microversion=microversion)
        assert resp.status_code == status_code, (body, resp.text)
        return resp

    def check(self, resp, status, action, events, notified,
              allocated=True):
        """After ``resp``: the server settles in ``status``; the request's
        instance action is ``action`` with ``events`` all finished;
        ``notified`` arrived in that order after the step began, and the
        instance.update chain ends in the view's state; Placement holds
        the flavor on the server's host (or nothing)."""
        server = settled(self.api, self.id, status)
        request_id = resp.headers['x-openstack-request-id']
        if action is not None:
            assert self._finished_events(request_id, events) == events
            listed = self.api.get(
                f'/servers/{self.id}/os-instance-actions').json()
            assert listed['instanceActions'][0]['action'] == action
            assert listed['instanceActions'][0]['request_id'] == request_id
        heard = self._heard_in_order(notified)
        self._check_update_chain(heard, server)
        self.check_allocations(server, allocated)
        return server

    def _finished_events(self, request_id, expected):
        deadline = time.monotonic() + 30
        while True:
            resp = self.api.get(
                f'/servers/{self.id}/os-instance-actions/{request_id}')
            assert resp.status_code == 200, resp.text
            found = {e['event']: e['result']
                     for e in resp.json()['instanceAction']['events']}
            if found == expected or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def _heard_in_order(self, notified):
        if notified:
            self.notes.wait_for(self.mark, self.id, notified[-1])
        heard = self.notes.since(self.mark, self.id)
        types = [n[0] for n in heard]
        position = 0
        for event_type in notified:
            assert event_type in types[position:], (event_type, types)
            position = types.index(event_type, position) + 1
        return heard

    def _check_update_chain(self, heard, server):
        updates = [n[3]['state_update']['nova_object.data']
                   for n in heard if n[0] == 'instance.update']
        for before, after in itertools.pairwise(updates):
            assert after['old_task_state'] == before['new_task_state'], \
                updates
        if updates:
            last = updates[-1]
            assert last['state'] == server['OS-EXT-STS:vm_state'], updates
            assert last['new_task_state'] is None, updates

    def check_allocations(self, server, allocated=True):
        """The server's consumer holds its flavor on its host, or nothing;
        no migration of it holds anything (but the one awaiting a resize
        confirmation, which _check_resized looks at)."""
        held = _resources(self.placement.allocations(self.id))
        if allocated:
            host = server['OS-EXT-SRV-ATTR:host']
            assert held == {_provider_of(self.placement, host): self.flavor}
        else:
            assert held == {}
        ctxt = nova_context.get_admin_context()
        migrations = sorted(objects.MigrationList.get_by_filters(
            ctxt, {'instance_uuid': self.id}), key=lambda m: m.id)
        if server.get('status') == 'VERIFY_RESIZE':
            migrations = migrations[:-1]   # holds the source until confirmed
        for migration in migrations:
            assert self.placement.allocations(migration.uuid) == {}, \
                migration.migration_type

    def refuses_what_its_state_refuses(self):
        before = self.view()
        actions_before = self.api.get(
            f'/servers/{self.id}/os-instance-actions').json()
        mark = self.notes.mark()
        for body in REFUSED[before['status']]:
            resp = act(self.api, self.id, body, microversion='2.30')
            assert resp.status_code == 409, (before['status'], body,
                                             resp.text)
            assert resp.json()['conflictingRequest']['message']
        after = self.view()
        assert {k: after.get(k) for k in VIEW_KEYS} == \
            {k: before.get(k) for k in VIEW_KEYS}
        assert self.api.get(f'/servers/{self.id}/os-instance-actions'
                            ).json() == actions_before
        time.sleep(0.2)
        assert self.notes.since(mark, self.id) == []
        self.check_allocations(after, before['status'] != 'SHELVED_OFFLOADED')


def _started_ended(action):
    return [f'instance.{action}.start', f'instance.{action}.end']


def test_one_server_through_every_action(api, placement, notifications,
                                         image_id, two_hosts):
    mark = notifications.mark()
    created = api.create_server('journey', image_id, flavor_ref='1')
    server_id = created['id']
    j = Journey(api, placement, notifications, server_id)
    j.mark = mark
    try:
        _journey(j, api, image_id, two_hosts)
    finally:
        if api.get(f'/servers/{server_id}').status_code == 200:
            api.delete(f'/servers/{server_id}')
            api.wait_until_gone(server_id)


def _journey(j, api, image_id, two_hosts):
    # Create --------------------------------------------------------------
    server = settled(api, j.id, 'ACTIVE')
    j._heard_in_order(['instance.create.start', 'instance.update',
                       'instance.create.end'])
    j.check_allocations(server)
    assert [a['action'] for a in api.get(
        f'/servers/{j.id}/os-instance-actions').json()[
        'instanceActions']] == ['create']
    j.refuses_what_its_state_refuses()

    # Power ---------------------------------------------------------------
    for body, action, event, notified, status in (
            (REBOOT_SOFT, 'reboot', 'compute_reboot_instance', 'reboot',
             'ACTIVE'),
            ({'reboot': {'type': 'HARD'}}, 'reboot',
             'compute_reboot_instance', 'reboot', 'ACTIVE'),
            ({'os-stop': None}, 'stop', 'compute_stop_instance',
             'power_off', 'SHUTOFF'),
            ({'os-start': None}, 'start', 'compute_start_instance',
             'power_on', 'ACTIVE'),
            ({'pause': None}, 'pause', 'compute_pause_instance', 'pause',
             'PAUSED'),
            ({'unpause': None}, 'unpause', 'compute_unpause_instance',
             'unpause', 'ACTIVE'),
            ({'suspend': None}, 'suspend', 'compute_suspend_instance',
             'suspend', 'SUSPENDED'),
            ({'resume': None}, 'resume', 'compute_resume_instance',
             'resume', 'ACTIVE')):
        resp = j.do(body)
        j.check(resp, status, action, {event: 'Success'},
                ['instance.update'] + _started_ended(notified))
        if status != 'ACTIVE':
            j.refuses_what_its_state_refuses()

    # Lock: only admins may act on a locked server ------------------------
    resp = j.do({'lock': None}, microversion='2.9')
    j.check(resp, 'ACTIVE', 'lock', {}, ['instance.lock'])
    assert j.view()['locked'] is True
    member = fixtures.ComputeClient(api.base_url, token='demo:admin')
    refused = act(member, j.id, {'os-stop': None})
    assert refused.status_code == 409 and 'locked' in refused.text
    resp = j.do({'unlock': None}, microversion='2.9')
    j.check(resp, 'ACTIVE', 'unlock', {}, ['instance.unlock'])
    assert j.view()['locked'] is False

    # Password, crash dump, console output --------------------------------
    resp = j.do({'changePassword': {'adminPass': 'journey-secret'}})
    j.check(resp, 'ACTIVE', 'changePassword',
            {'compute_set_admin_password': 'Success'},
            _started_ended('update_password'))
    resp = j.do({'trigger_crash_dump': None}, microversion='2.17')
    j.check(resp, 'ACTIVE', 'trigger_crash_dump',
            {'compute_trigger_crash_dump': 'Success'},
            _started_ended('trigger_crash_dump'))
    resp = j.do({'os-getConsoleOutput': {'length': 5}}, status_code=200)
    assert 'output' in resp.json()

    # Metadata, tags, name and description --------------------------------
    resp = api.post(f'/servers/{j.id}/metadata',
                    json={'metadata': {'purpose': 'journey'}})
    assert resp.status_code == 200, resp.text
    assert api.request('PUT', f'/servers/{j.id}/tags/travelling',
                       microversion='2.26').status_code == 201
    mark = j.notes.mark()
    resp = api.request('PUT', f'/servers/{j.id}', json={'server': {
        'name': 'journey-renamed', 'description': 'on the road'}},
        microversion='2.19')
    assert resp.status_code == 200, resp.text
    renamed = j.notes.wait_for(mark, j.id, 'instance.update')
    update = [n[3] for n in renamed if n[0] == 'instance.update'][-1]
    assert (update['old_display_name'], update['display_name'],
            update['display_description']) == (
        'journey', 'journey-renamed', 'on the road')
    view = api.get(f'/servers/{j.id}', microversion='2.26').json()['server']
    assert view['metadata'] == {'purpose': 'journey'}
    assert view['tags'] == ['travelling']
    assert view['description'] == 'on the road'

    # Rebuild, snapshot, backup -------------------------------------------
    resp = j.do({'rebuild': {'imageRef': image_id,
                             'name': 'journey-rebuilt'}})
    rebuilt = j.check(resp, 'ACTIVE', 'rebuild',
                      {'compute_rebuild_instance': 'Success'},
                      ['instance.update'] + _started_ended('rebuild'))
    assert rebuilt['name'] == 'journey-rebuilt'
    resp = j.do({'createImage': {'name': 'journey-snap'}},
                microversion='2.45')
    j.check(resp, 'ACTIVE', 'createImage',
            {'compute_snapshot_instance': 'Success'},
            _started_ended('snapshot'))
    _delete_image(api, resp.json()['image_id'])
    resp = j.do({'createBackup': {'name': 'journey-backup',
                                  'backup_type': 'daily', 'rotation': 0}},
                microversion='2.45')
    j.check(resp, 'ACTIVE', 'createBackup',
            {'compute_backup_instance': 'Success'},
            _started_ended('snapshot'))

    # Resize: revert, then confirm ----------------------------------------
    source = j.view()['OS-EXT-SRV-ATTR:host']
    resize_events = {'conductor_migrate_server': 'Success',
                     'compute_prep_resize': 'Success',
                     'compute_resize_instance': 'Success',
                     'compute_finish_resize': 'Success'}
    resize_notes = ['instance.resize_prep.start', 'instance.resize.start',
                    'instance.resize_finish.end']
    resp = j.do({'resize': {'flavorRef': '2'}})
    _check_resized(j, resp, 'resize', resize_events, resize_notes,
                   source, SMALL)
    j.refuses_what_its_state_refuses()
    resp = j.do({'revertResize': None})
    j.flavor = TINY
    reverted = j.check(resp, 'ACTIVE', 'revertResize',
                       {'compute_revert_resize': 'Success',
                        'compute_finish_revert_resize': 'Success'},
                       _started_ended('resize_revert'))
    assert reverted['OS-EXT-SRV-ATTR:host'] == source
    assert reverted['flavor']['original_name'] == 'm1.tiny'

    resp = j.do({'resize': {'flavorRef': '2'}})
    _check_resized(j, resp, 'resize', resize_events, resize_notes,
                   source, SMALL)
    resp = j.do({'confirmResize': None}, status_code=204)
    confirmed = j.check(resp, 'ACTIVE', 'confirmResize',
                        {'compute_confirm_resize': 'Success'},
                        _started_ended('resize_confirm'))
    assert confirmed['OS-EXT-SRV-ATTR:host'] != source
    assert confirmed['flavor']['original_name'] == 'm1.small'

    # Cold migrate, then live migrate back --------------------------------
    here = confirmed['OS-EXT-SRV-ATTR:host']
    resp = j.do({'migrate': None})
    _check_resized(j, resp, 'migrate', resize_events, resize_notes, here,
                   SMALL)
    resp = j.do({'confirmResize': None}, status_code=204)
    migrated = j.check(resp, 'ACTIVE', 'confirmResize',
                       {'compute_confirm_resize': 'Success'},
                       _started_ended('resize_confirm'))
    assert migrated['OS-EXT-SRV-ATTR:host'] != here
    here = migrated['OS-EXT-SRV-ATTR:host']
    resp = j.do(LIVE)
    live = j.check(resp, 'ACTIVE', 'live-migration',
                   {'conductor_live_migrate_instance': 'Success',
                    'compute_live_migration': 'Success'},
                   ['instance.live_migration_pre.end',
                    'instance.live_migration_post.start',
                    'instance.live_migration_post_dest.end',
                    'instance.live_migration_post.end'])
    assert live['OS-EXT-SRV-ATTR:host'] != here

    # Shelve, offload, unshelve -------------------------------------------
    resp = j.do({'shelve': None})
    j.check(resp, 'SHELVED_OFFLOADED', 'shelve',
            {'compute_shelve_instance': 'Success',
             'compute_shelve_offload_instance': 'Success'},
            _started_ended('shelve') + _started_ended('shelve_offload'),
            allocated=False)
    assert j.view()['OS-EXT-SRV-ATTR:host'] is None
    j.refuses_what_its_state_refuses()
    resp = j.do({'unshelve': None})
    unshelved = j.check(resp, 'ACTIVE', 'unshelve',
                        {'conductor_unshelve_instance': 'Success',
                         'compute_unshelve_instance': 'Success'},
                        _started_ended('unshelve'))
    # Again, to a host named by an admin (2.91) and unpinned from its zone
    # (2.77 zones, null: any).
    hosts = {svc['host'] for svc in api.get(
        '/os-services?binary=nova-compute').json()['services']
        if svc['state'] == 'up' and svc['status'] == 'enabled'}
    there = min(hosts - {unshelved['OS-EXT-SRV-ATTR:host']})
    resp = j.do({'shelve': None})
    j.check(resp, 'SHELVED_OFFLOADED', 'shelve',
            {'compute_shelve_instance': 'Success',
             'compute_shelve_offload_instance': 'Success'},
            _started_ended('shelve') + _started_ended('shelve_offload'),
            allocated=False)
    resp = j.do({'unshelve': {'host': 'no-such-host'}}, status_code=400,
                microversion='2.91')
    assert 'no-such-host could not be found' in resp.text
    resp = j.do({'unshelve': {'host': there}}, status_code=400,
                microversion='2.90')
    resp = j.do({'unshelve': {'host': there, 'availability_zone': None}},
                microversion='2.91')
    moved = j.check(resp, 'ACTIVE', 'unshelve',
                    {'conductor_unshelve_instance': 'Success',
                     'compute_unshelve_instance': 'Success'},
                    _started_ended('unshelve'))
    assert moved['OS-EXT-SRV-ATTR:host'] == there
    resp = j.do({'unshelve': {'host': there}}, status_code=409,
                microversion='2.91')

    # Hostname (2.90) -------------------------------------------------------
    resp = api.put(f'/servers/{j.id}',
                   json={'server': {'hostname': 'journey-7'}},
                   microversion='2.90')
    assert resp.status_code == 200, resp.text
    assert resp.json()['server']['OS-EXT-SRV-ATTR:hostname'] == 'journey-7'
    assert api.get(f'/servers/{j.id}', microversion='2.90').json()[
        'server']['OS-EXT-SRV-ATTR:hostname'] == 'journey-7'

    # Rescue ----------------------------------------------------------------
    resp = j.do({'rescue': None}, status_code=200)
    assert resp.json()['adminPass']
    j.check(resp, 'RESCUE', 'rescue', {'compute_rescue_instance': 'Success'},
            _started_ended('rescue'))
    j.refuses_what_its_state_refuses()
    resp = j.do({'unrescue': None})
    j.check(resp, 'ACTIVE', 'unrescue',
            {'compute_unrescue_instance': 'Success'},
            _started_ended('unrescue'))

    # Reset state (admin) ---------------------------------------------------
    resp = j.do({'os-resetState': {'state': 'error'}})
    j.check(resp, 'ERROR', 'resetState', {}, ['instance.update'])
    j.refuses_what_its_state_refuses()
    resp = j.do({'os-resetState': {'state': 'active'}})
    j.check(resp, 'ACTIVE', 'resetState', {}, ['instance.update'])

    # Evacuate from a host reported down ----------------------------------
    _evacuate(j, api, two_hosts)

    # Soft delete, restore, force delete ----------------------------------
    _delete_restore_force_delete(j, api)


def _check_resized(j, resp, action, events, notified, source, flavor):
    j.flavor = flavor
    resized = j.check(resp, 'VERIFY_RESIZE', action, events, notified)
    assert resized['OS-EXT-SRV-ATTR:host'] != source
    # While it waits for the confirmation the source is held for the
    # migration consumer: the old flavor on the source host.
    ctxt = nova_context.get_admin_context()
    migration = max(objects.MigrationList.get_by_filters(
        ctxt, {'instance_uuid': j.id}), key=lambda m: m.id)
    assert migration.status == 'finished'
    old = TINY if action == 'resize' else flavor
    assert _resources(j.placement.allocations(migration.uuid)) == {
        _provider_of(j.placement, source): old}
    return resized


def _delete_image(api, image_id):
    from nova.image import glance
    glance.API().delete(nova_context.get_admin_context(), image_id)


def _force_down(api, host, down):
    resp = api.request('PUT', '/os-services/force-down', json={
        'host': host, 'binary': 'nova-compute', 'forced_down': down},
        microversion='2.11')
    assert resp.status_code == 200, resp.text


def _evacuate(j, api, two_hosts):
    # The server goes to the second host first, whose manager the test
    # can "restart" after the evacuation.
    if j.view()['OS-EXT-SRV-ATTR:host'] != two_hosts.host:
        resp = j.do({'os-migrateLive': {
            'host': two_hosts.host, 'block_migration': 'auto',
            'force': True}})
        j.check(resp, 'ACTIVE', 'live-migration',
                {'conductor_live_migrate_instance': 'Success',
                 'compute_live_migration': 'Success'},
                ['instance.live_migration_post.end'])
    source = two_hosts.host
    _force_down(api, source, True)
    try:
        resp = j.do({'evacuate': {}}, microversion='2.14', status_code=200)
        evacuated = settled(api, j.id, 'ACTIVE')
        j._heard_in_order(_started_ended('evacuate'))
        dest = evacuated['OS-EXT-SRV-ATTR:host']
        assert dest != source
        assert j._finished_events(
            resp.headers['x-openstack-request-id'],
            {'conductor_rebuild_server': 'Success',
             'compute_rebuild_instance': 'Success'}) == {
            'conductor_rebuild_server': 'Success',
            'compute_rebuild_instance': 'Success'}
        # Until the source comes back, the server holds both hosts.
        assert set(j.placement.allocations(j.id)) == {
            _provider_of(j.placement, source),
            _provider_of(j.placement, dest)}
    finally:
        _force_down(api, source, False)
    two_hosts.manager.pre_start_hook(service_ref=two_hosts.service_ref)
    assert two_hosts.manager.driver.guest(j.id) is None
    j.check_allocations(j.view())


def _delete_restore_force_delete(j, api):
    import nova.conf
    conf = nova.conf.CONF
    conf.set_override('reclaim_instance_interval', 3600)
    try:
        j.mark = j.notes.mark()
        assert api.delete(f'/servers/{j.id}').status_code == 204
        deleted = settled(api, j.id, 'SOFT_DELETED')
        j._heard_in_order(_started_ended('soft_delete'))
        j.check_allocations(deleted)   # kept until reclaimed
        j.refuses_what_its_state_refuses()
        resp = j.do({'restore': None})
        j.check(resp, 'ACTIVE', 'restore',
                {'compute_restore_instance': 'Success'},
                _started_ended('restore'))
        api.delete(f'/servers/{j.id}')
        settled(api, j.id, 'SOFT_DELETED')
        j.mark = j.notes.mark()
        j.do({'forceDelete': None})
        api.wait_until_gone(j.id)
        j._heard_in_order(_started_ended('delete'))
        j.check_allocations({}, allocated=False)
    finally:
        conf.clear_override('reclaim_instance_interval')
