"""Session fixtures: one whole service per test process (Glance takes
seconds to start), clients for its API and its Placement."""

import pytest

from nova.tests.functional import fixtures


@pytest.fixture(scope='session')
def all_in_one(tmp_path_factory):
    deployment = fixtures.start_all_in_one(
        str(tmp_path_factory.mktemp('nova-state')))
    try:
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture(scope='session')
def api(all_in_one):
    return fixtures.ComputeClient(all_in_one.endpoints.api_url)


@pytest.fixture(scope='session')
def placement(all_in_one):
    return fixtures.PlacementClient(all_in_one.endpoints.placement_url)


@pytest.fixture(scope='session')
def image_id(all_in_one):
    return all_in_one.image['id']


@pytest.fixture(scope='session')
def notifications(all_in_one):
    from nova import rpc
    log = fixtures.NotificationLog(rpc.NOTIFICATION_TRANSPORT)
    log.start()
    try:
        yield log
    finally:
        log.stop()
