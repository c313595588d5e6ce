import pytest

from nova.tests.unit.scheduler import placement_fixture


@pytest.fixture(scope='session')
def placement_service():
    yield placement_fixture.placement_url()
    placement_fixture.stop()


@pytest.fixture
def placement(placement_service):
    """An empty Placement that [placement] points at; yields its URL."""
    placement_fixture.wipe(placement_service)
    placement_fixture.configure(placement_service)
    yield placement_service
    placement_fixture.unconfigure()


@pytest.fixture
def cells(tmp_path, monkeypatch, placement):
    """API DB + cell0 + cell1 (SQLite files), Placement empty."""
    from nova.tests.unit.scheduler import cells_fixture
    deployment = cells_fixture.Cells(tmp_path, monkeypatch)
    yield deployment
    deployment.cleanup()


@pytest.fixture(scope='session')
def rpc_bus():
    """nova.rpc on the fake:// transport (in-process)."""
    import nova.conf
    from nova import rpc
    conf = nova.conf.CONF
    started = not rpc.initialized()
    if started:
        # transport_url is registered when a transport is first made.
        import oslo_messaging
        oslo_messaging.get_rpc_transport(conf, url='fake://').cleanup()
        conf.set_override('transport_url', 'fake://')
        rpc.init(conf)
    yield rpc
    if started:
        rpc.cleanup()
        conf.clear_override('transport_url')


@pytest.fixture(scope='module')
def _scheduler_server(rpc_bus):
    # Per module, not per test: stopping an RPC server takes a second.
    # Not per session either: a pytest process that goes on with the
    # functional tests (one worker running both trees) would keep this
    # scheduler listening on their fake:// bus, answering some of their
    # select_destinations calls with this one's filters.
    import oslo_messaging as messaging

    from nova.scheduler import manager
    mgr = manager.SchedulerManager(host='sched')
    server = rpc_bus.get_server(
        messaging.Target(topic='scheduler', server='sched'), [mgr])
    server.start()
    yield mgr
    server.stop()
    server.wait()


@pytest.fixture
def scheduler_service(cells, _scheduler_server):
    """A SchedulerManager served on topic scheduler over fake://; each
    test has cells of its own, which the manager reads again (as after
    a SIGHUP)."""
    _scheduler_server.host_manager.forget_cells()
    return _scheduler_server


@pytest.fixture
def override():
    """override(name, value, group): a config override undone after the
    test."""
    import nova.conf
    conf = nova.conf.CONF
    done = []

    def _set(name, value, group):
        conf.set_override(name, value, group=group)
        done.append((name, group))

    yield _set
    for name, group in done:
        conf.clear_override(name, group=group)
