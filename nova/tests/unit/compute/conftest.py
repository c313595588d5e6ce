import pytest

from nova import context
from nova.tests.unit.db import fixtures as db_fixtures
from nova.tests.unit.scheduler import placement_fixture
from nova.virt import fake


@pytest.fixture(scope='session')
def placement_service():
    yield placement_fixture.placement_url()
    placement_fixture.stop()


@pytest.fixture
def placement(placement_service):
    """An empty real Placement that [placement] points at; its URL."""
    placement_fixture.wipe(placement_service)
    placement_fixture.configure(placement_service)
    yield placement_service
    placement_fixture.unconfigure()


@pytest.fixture
def dbs(tmp_path):
    # A file DB: builds run in other threads than the test.
    with db_fixtures.Databases(
            main_url='sqlite:///%s' % (tmp_path / 'cell.db'),
            api_url='sqlite:///%s' % (tmp_path / 'api.db')) as databases:
        yield databases


@pytest.fixture
def ctxt(dbs):
    return context.RequestContext(user_id='fake-user',
                                  project_id='fake-project',
                                  is_admin=True)


@pytest.fixture(autouse=True)
def _no_fake_faults():
    fake.FakeDriver.clear_faults()
    yield
    fake.FakeDriver.clear_faults()


@pytest.fixture
def rpc_bus():
    """nova.rpc on the fake:// transport (in-process)."""
    import oslo_messaging

    import nova.conf
    from nova import rpc
    conf = nova.conf.CONF
    started = not rpc.initialized()
    if started:
        # transport_url is registered when a transport is first made.
        oslo_messaging.get_rpc_transport(conf, url='fake://').cleanup()
        conf.set_override('transport_url', 'fake://')
        rpc.init(conf)
    yield rpc
    if started:
        rpc.cleanup()
        conf.clear_override('transport_url')


def start_compute(host):
    """A ComputeManager started as nova.service would (no RPC server)."""
    from nova.compute import manager as compute_manager
    mgr = compute_manager.ComputeManager(host=host)
    mgr.init_host()
    mgr.pre_start_hook()
    return mgr


@pytest.fixture
def host1(ctxt, placement, rpc_bus):
    mgr = start_compute('host1')
    yield mgr
    mgr.cleanup_host()
