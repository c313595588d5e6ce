"""Separate daemons over RabbitMQ and MariaDB: boot 10 servers over two
computes, delete them, leave nothing behind; a killed compute is reported
down. The tests run in file order on one deployment."""

import signal
import time

import pytest

from nova.tests.integration import deployment as deployment_mod

SERVERS = 10


@pytest.fixture(scope='module')
def booted(deployment):
    """Ten servers booted and then deleted: {server id: host}."""
    api = deployment.api()
    image_id = deployment.image['id']
    ids = [api.create_server(f'it-{i}', image_id)['id'] for i in range(SERVERS)]
    hosts = {}
    for server_id in ids:
        server = api.wait_for_server(server_id, ('ACTIVE', 'ERROR'), timeout=90)
        assert server['status'] == 'ACTIVE', server.get('fault')
        # The compute wrote the network info cache through the conductor.
        (addresses,) = server['addresses'].values()
        assert [a['version'] for a in addresses] == [4], server['addresses']
        hosts[server_id] = server['OS-EXT-SRV-ATTR:host']
    return hosts


@pytest.fixture(scope='module')
def deleted(deployment, booted):
    api = deployment.api()
    for server_id in booted:
        resp = api.delete(f'/servers/{server_id}')
        assert resp.status_code == 204, resp.text
    for server_id in booted:
        api.wait_until_gone(server_id, timeout=60)
    return booted


def test_ten_servers_spread_over_both_hosts(booted):
    assert set(booted.values()) == set(deployment_mod.Deployment.COMPUTE_HOSTS)


def test_deleted_servers_leave_no_allocations_in_placement(deployment, deleted):
    placement = deployment.placement()
    for server_id in deleted:
        assert placement.allocations(server_id) == {}
    for provider in placement.providers():
        assert not any(placement.usages(provider['uuid']).values()), provider['name']


def test_deleted_servers_leave_no_live_instances_in_the_cell_db(deployment, deleted):
    rows = deployment_mod.mysql_execute(
        'SELECT uuid FROM instances WHERE deleted = 0', deployment.dbs['cell1'])
    assert rows == ()


def test_deleted_servers_have_their_mappings_marked_deleted(deployment, deleted):
    rows = deployment_mod.mysql_execute(
        'SELECT instance_uuid, queued_for_delete FROM instance_mappings',
        deployment.dbs['api'])
    by_uuid = dict(rows)
    assert all(by_uuid.get(server_id) for server_id in deleted), rows
    assert deployment_mod.mysql_execute(
        'SELECT count(*) FROM build_requests', deployment.dbs['api']) == ((0,),)


def test_killed_compute_is_reported_down(deployment, deleted):
    victim = deployment_mod.Deployment.COMPUTE_HOSTS[1]
    deployment.killed = (victim,)
    deployment.daemons[victim].proc.send_signal(signal.SIGKILL)
    deployment.daemons[victim].proc.wait(10)
    time.sleep(5 + 2)  # service_down_time, plus a heartbeat of slack
    hosts = deployment.manage('cell_v2', 'list_hosts')
    status = deployment.status('upgrade', 'check')
    report = (hosts + status.stdout).splitlines()
    survivor = deployment_mod.Deployment.COMPUTE_HOSTS[0]
    assert any(victim in ln and 'down' in ln.lower() for ln in report), report
    assert not any(survivor in ln and 'down' in ln.lower() for ln in report), report


def test_daemons_stop_cleanly_and_leave_no_queue_consumers(deployment, deleted):
    codes = deployment.stop_daemons()
    killed = getattr(deployment, 'killed', ())
    assert {n: c for n, c in codes.items() if n not in killed and c != 0} == {}
    queues = deployment_mod.rabbitmqctl('list_queues', '-p', deployment.vhost,
                                        'name', 'consumers')
    busy = [ln for ln in queues.splitlines()[1:] if ln.split() and ln.split()[-1] != '0']
    assert busy == []
