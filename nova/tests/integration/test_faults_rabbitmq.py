"""Fault scenario 1: RabbitMQ restarted during 100 parallel boots.

The deployment runs on a RabbitMQ node of its own. While clients create
100 servers in parallel (the fake driver takes a second per spawn, so
builds are in flight), the node is stopped, left down a few seconds and
started again on the same data (durable queues survive). No daemon is
restarted: each must reconnect by itself. Within the bound every server
is ACTIVE, or ERROR with a fault; none stays in BUILD; the API never
answered 500; and the deployment is consistent (see ``faults.py``).
"""

import threading
import time

import pytest

from nova.tests.integration import faults

SERVERS = 100
RESTART_AFTER = 30      # accepted creates before the bus goes down
DOWN_FOR = 5            # seconds the bus stays down
BOUND = 240             # seconds, from the bus being back to all settled


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    with faults.deployed(tmp_path_factory, 'rabbitmq', private_rabbit=True,
                         fake_delays={'spawn': 1}) as dep:
        yield dep


def test_rabbitmq_restart_during_100_boots(deployment, tmp_path):
    rabbit = deployment.private['rabbit']
    figures = faults.Figures(str(tmp_path / 'figures.json'), 'rabbitmq-restart',
                             servers=SERVERS, bound_s=BOUND, down_for_s=DOWN_FOR,
                             deployment_start_s=deployment.start_seconds)
    recorder = faults.Recorder()
    restart = {}
    restarted = threading.Event()

    def bounce():
        restart['at_accepted'] = RESTART_AFTER
        began = time.monotonic()
        try:
            rabbit.restart(down_for=DOWN_FOR)
        except Exception as exc:   # noqa: BLE001 - reported by the test
            restart['error'] = repr(exc)
        restart['stop_start_s'] = round(time.monotonic() - began, 1)
        restarted.set()

    def on_accepted(n):
        if n == RESTART_AFTER:
            threading.Thread(target=bounce, daemon=True).start()

    try:
        started = time.monotonic()
        ids = faults.create_servers(deployment, SERVERS, 'rmq', recorder, workers=8,
                                    on_accepted=on_accepted)
        figures['create_s'] = round(time.monotonic() - started, 1)
        assert restarted.wait(120), 'RabbitMQ restart did not end'
        assert 'error' not in restart, restart
        figures['rabbit_restart'] = restart
        figures['rabbit_start_s'] = rabbit.start_seconds
        back = time.monotonic()
        servers = faults.wait_settled(deployment, ids, BOUND)
        figures['settled_after_bus_back_s'] = round(time.monotonic() - back, 1)
        figures['outcome'] = faults.outcome(servers)
        figures['faults'] = sorted({str(m) for m in faults.error_faults(servers).values()})
        figures['api_codes'] = recorder.as_dict()

        assert sum(figures['outcome'].values()) == SERVERS
        assert all(faults.error_faults(servers).values()), faults.error_faults(servers)
        assert recorder.count(500) == 0, recorder.samples
        faults.assert_all_daemons_alive(deployment)
        again = time.monotonic()
        faults.boot_one_active(deployment, 'after-rabbit')
        figures['boot_after_recovery_s'] = round(time.monotonic() - again, 1)
        faults.assert_consistent(deployment, figures)
    finally:
        figures.save()
