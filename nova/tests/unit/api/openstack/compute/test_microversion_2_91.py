"""Microversion 2.91: unshelving an offloaded server to a named host
(admins), and ``"availability_zone": null`` to unpin it from its zone."""

import pytest

from nova import context as nova_context
from nova import objects
from nova.tests.unit.api.openstack.compute import test_servers
from nova.tests.unit.api.openstack.compute.test_microversions_2_76_2_80 import (
    ComputeRecorder,
    FakeScheduler,
    _instance,
    _server,
    _spec_zone,
    _unshelve,
    unshelve_rpc,
    unshelve_task,
    zones,
)

flavor = test_servers.flavor
_fixtures = (unshelve_rpc, zones)


def _spec(uuid):
    return objects.RequestSpec.get_by_instance_uuid(
        nova_context.get_admin_context(), uuid)


def test_an_admin_unshelves_to_a_host(admin_client, client, dbs, flavor,
                                      zones, unshelve_rpc):
    task_api, _rpc = unshelve_rpc
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    resp = _unshelve(admin_client, uuid, {'host': 'host2'}, version='2.91')
    assert resp.status_int == 202, resp.body
    assert task_api.unshelved == [uuid]
    assert _spec(uuid).force_hosts == ['host2']
    assert _instance(dbs, uuid).task_state == 'unshelving'


def test_the_conductor_schedules_to_the_host_once(admin_client, client, dbs,
                                                  flavor, zones,
                                                  unshelve_rpc):
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    _unshelve(admin_client, uuid, {'host': 'host2'}, version='2.91')
    task = unshelve_task.UnshelveTask.__new__(unshelve_task.UnshelveTask)
    task.scheduler = FakeScheduler()
    asked = []
    select = task.scheduler.select_destinations
    task.scheduler.select_destinations = lambda ctxt, spec, *a, **k: (
        asked.append((spec.force_hosts, spec.requested_cell)) or
        select(ctxt, spec, *a, **k))
    task.compute_rpcapi = ComputeRecorder()
    task.unshelve_instance(nova_context.get_admin_context(),
                           _instance(dbs, uuid))
    assert asked == [(['host2'], dbs.cell1.uuid)]
    assert task.compute_rpcapi.unshelved == [(uuid, 'host2', 'host2')]
    # Only for this unshelve: the next scheduling is free again.
    assert _spec(uuid).force_hosts is None


def test_a_member_may_not_name_a_host(client, dbs, flavor, zones,
                                      unshelve_rpc):
    task_api, _rpc = unshelve_rpc
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    resp = _unshelve(client, uuid, {'host': 'host2'}, version='2.91')
    assert resp.status_int == 403
    assert 'unshelve_to_host' in resp.text
    assert task_api.unshelved == []
    assert _instance(dbs, uuid).task_state is None


@pytest.mark.parametrize('args, message', [
    ({'host': 'nowhere'}, 'compute host nowhere could not be found'),
    ({'host': 'host2', 'availability_zone': 'az1'},
     'host2 is in availability zone az2, not in az1'),
])
def test_a_host_that_cannot_be_is_400(admin_client, client, dbs, flavor,
                                      zones, unshelve_rpc, args, message):
    task_api, _rpc = unshelve_rpc
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    resp = _unshelve(admin_client, uuid, args, version='2.91')
    assert resp.status_int == 400, resp.body
    assert message in resp.text
    assert task_api.unshelved == []
    assert _spec(uuid).force_hosts is None


def test_a_pinned_server_goes_elsewhere_only_unpinned(admin_client, client,
                                                      dbs, flavor, zones,
                                                      unshelve_rpc):
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    spec = _spec(uuid)
    spec.availability_zone = 'az1'
    spec.save()
    resp = _unshelve(admin_client, uuid, {'host': 'host2'}, version='2.91')
    assert resp.status_int == 400
    assert 'not in az1' in resp.text
    resp = _unshelve(admin_client, uuid,
                     {'host': 'host2', 'availability_zone': None},
                     version='2.91')
    assert resp.status_int == 202, resp.body
    assert _spec_zone(uuid) is None
    assert _spec(uuid).force_hosts == ['host2']


def test_null_zone_unpins(client, dbs, flavor, zones, unshelve_rpc):
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    spec = _spec(uuid)
    spec.availability_zone = 'az1'
    spec.save()
    resp = _unshelve(client, uuid, {'availability_zone': None},
                     version='2.91')
    assert resp.status_int == 202, resp.body
    assert _spec_zone(uuid) is None


def test_a_host_for_a_server_still_on_its_host_is_409(admin_client, client,
                                                      dbs, flavor, zones,
                                                      unshelve_rpc):
    task_api, compute_rpc = unshelve_rpc
    uuid = _server(client, dbs, vm_state='shelved')
    resp = _unshelve(admin_client, uuid, {'host': 'host2'}, version='2.91')
    assert resp.status_int == 409
    assert (task_api.unshelved, compute_rpc.unshelved) == ([], [])


@pytest.mark.parametrize('args, version', [
    ({'host': 'host2'}, '2.90'), ({'availability_zone': None}, '2.90'),
    ({}, '2.91'), ({'host': ''}, '2.91'), ({'host': 'a b'}, '2.91'),
    ({'host': 'host2', 'node': 'host2'}, '2.91')])
def test_unshelve_2_91_body_errors(admin_client, client, dbs, flavor, zones,
                                   unshelve_rpc, args, version):
    task_api, _rpc = unshelve_rpc
    uuid = _server(client, dbs, vm_state='shelved_offloaded')
    resp = _unshelve(admin_client, uuid, args, version=version)
    assert resp.status_int == 400, (args, version, resp.body)
    assert task_api.unshelved == []
