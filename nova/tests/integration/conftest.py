"""One distributed deployment per test module (it takes ~20 s to start)."""

import signal
import threading

import pytest

from nova.tests.integration import deployment as deployment_mod


def _interrupted(signum, frame):
    # pytest tears fixtures down on KeyboardInterrupt; a SIGTERM (CI timeout)
    # would otherwise leave daemons, RabbitMQ nodes and MariaDB servers running.
    raise KeyboardInterrupt(f'signal {signum}')


def pytest_configure(config):
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupted)


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    dep = deployment_mod.Deployment(str(tmp_path_factory.mktemp('nova-it')))
    try:
        dep.start()
        yield dep
    finally:
        dep.cleanup()
