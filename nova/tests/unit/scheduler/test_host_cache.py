"""Host states cached between requests and refreshed incrementally."""

import contextlib

import pytest
import sqlalchemy as sa
from oslo_utils import uuidutils

from nova import context as nova_context
from nova import exception, objects
from nova.objects import host_rows
from nova.scheduler import filters, host_cache, host_manager
from nova.tests.unit.scheduler import test_manager


def _ask(hm, ctxt, *node_uuids):
    """get_host_states for Placement candidates on ``node_uuids``:
    {host: state}, missing."""
    areqs = [{'allocations': {u: {'resources': {'VCPU': 1}}}}
             for u in node_uuids]
    summaries = {u: {'resources': {'VCPU': {'capacity': 8, 'used': 0}},
                     'traits': []} for u in node_uuids}
    states, missing, failed = hm.get_host_states(ctxt, areqs, summaries)
    assert failed == []
    return {s.host: s for s in states}, missing


def _instance(cells, host, vm_state='active', task_state=None):
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        inst = objects.Instance(cctxt, uuid=uuidutils.generate_uuid(),
                                host=host, node=host, vm_state=vm_state,
                                task_state=task_state, project_id='p',
                                user_id='u', memory_mb=1, vcpus=1,
                                root_gb=1, ephemeral_gb=0)
        inst.create()
    return inst


@contextlib.contextmanager
def _cell_statements(cells):
    """The queries run on cell1's DB inside the block (SQLite's BEGIN
    left out)."""
    seen = []
    cell_db = cells.urls['cell1'].rpartition('/')[2]

    def listen(conn, cursor, statement, *args):
        if (str(conn.engine.url).endswith(cell_db) and
                statement.strip().upper() != 'BEGIN'):
            seen.append(statement)

    sa.event.listen(sa.engine.Engine, 'before_cursor_execute', listen)
    try:
        yield seen
    finally:
        sa.event.remove(sa.engine.Engine, 'before_cursor_execute', listen)


def test_new_compute_node_appears_without_restart(cells):
    hm = host_manager.HostManager()
    a = cells.add_compute('a', with_provider=False)
    states, _m = _ask(hm, cells.ctxt, a)
    assert list(states) == ['a']
    b = cells.add_compute('b', with_provider=False)
    states, missing = _ask(hm, cells.ctxt, a, b)
    assert sorted(states) == ['a', 'b'] and missing == []
    assert states['b'].service_up and not states['b'].service_disabled


def test_deleted_service_host_disappears(cells):
    hm = host_manager.HostManager()
    a = cells.add_compute('a', with_provider=False)
    b = cells.add_compute('b', with_provider=False)
    assert sorted(_ask(hm, cells.ctxt, a, b)[0]) == ['a', 'b']
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        objects.Service.get_by_host_and_binary(
            cctxt, 'b', 'nova-compute').destroy()
    states, missing = _ask(hm, cells.ctxt, a, b)
    assert list(states) == ['a'] and missing == [b]


def test_disabled_service_host_is_filtered_out(cells):
    hm = host_manager.HostManager()
    a = cells.add_compute('a', with_provider=False)
    states, _m = _ask(hm, cells.ctxt, a)
    compute_filter = filters.load_filters(['ComputeFilter'])
    assert filters.run_filters(compute_filter, list(states.values()),
                               test_manager._spec()).hosts
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        svc = objects.Service.get_by_host_and_binary(cctxt, 'a',
                                                     'nova-compute')
        svc.disabled = True
        svc.save()
    states, _m = _ask(hm, cells.ctxt, a)
    assert states['a'].service_disabled
    assert filters.run_filters(compute_filter, list(states.values()),
                               test_manager._spec()).hosts == []


def test_instances_follow_the_cell_db(cells):
    hm = host_manager.HostManager()
    a = cells.add_compute('a', with_provider=False)
    b = cells.add_compute('b', with_provider=False)
    first = _instance(cells, 'a', 'building', 'spawning')
    states, _m = _ask(hm, cells.ctxt, a, b)
    assert set(states['a'].instances) == {first.uuid}
    assert states['a'].num_io_ops == 1
    second = _instance(cells, 'a')
    first.host = first.node = 'b'
    first.vm_state, first.task_state = 'active', None
    first.save()
    states, _m = _ask(hm, cells.ctxt, a, b)
    assert set(states['a'].instances) == {second.uuid}
    assert set(states['b'].instances) == {first.uuid}
    assert states['b'].num_io_ops == 0
    second.destroy()
    states, _m = _ask(hm, cells.ctxt, a, b)
    assert states['a'].num_instances == 0


def test_refresh_runs_only_the_incremental_queries(cells):
    hm = host_manager.HostManager()
    nodes = [cells.add_compute(h, with_provider=False) for h in 'abc']
    _instance(cells, 'a')
    with _cell_statements(cells) as first:
        _ask(hm, cells.ctxt, *nodes)
    with _cell_statements(cells) as second:
        states, _m = _ask(hm, cells.ctxt, *nodes)
    assert len(first) == len(second) == 3
    # The first load reads the live rows, each later one what changed.
    assert not any('updated_at >=' in s for s in first)
    for statement in second:
        assert 'updated_at >=' in statement and 'deleted_at >=' in statement
    assert states['a'].num_instances == 1


def test_unchanged_host_keeps_its_base_state(cells):
    hm = host_manager.HostManager()
    a = cells.add_compute('a', with_provider=False)
    one = _ask(hm, cells.ctxt, a)[0]['a']
    two = _ask(hm, cells.ctxt, a)[0]['a']
    # Each request has its own state, over one shared base.
    assert one is not two and one.service is two.service
    one.consume({'VCPU': 1}, uuidutils.generate_uuid())
    assert two.num_instances == 0 and two.free_vcpus == 8


def test_placed_instance_counts_until_the_db_has_it(cells, monkeypatch):
    hm = host_manager.HostManager()
    a = cells.add_compute('a', with_provider=False)
    state = _ask(hm, cells.ctxt, a)[0]['a']
    uuid = uuidutils.generate_uuid()
    hm.placed(state, uuid)
    assert set(_ask(hm, cells.ctxt, a)[0]['a'].instances) == {uuid}
    hm.forget([(state, uuid)])
    assert _ask(hm, cells.ctxt, a)[0]['a'].num_instances == 0
    hm.placed(state, uuid)
    # Never confirmed by the DB: it expires.
    monkeypatch.setattr(host_cache, 'PLACED_TTL', -1)
    assert _ask(hm, cells.ctxt, a)[0]['a'].num_instances == 0


def test_instance_placed_by_one_request_is_seen_by_the_next(
        cells, scheduler_service, override):
    """No cell DB row yet (no conductor here): the scheduler's own
    record of its choice makes DifferentHostFilter reject the host."""
    cells.add_compute('only')
    api = test_manager._ViaRPC()
    first = uuidutils.generate_uuid()
    [[chosen]] = api.select_destinations(cells.ctxt, test_manager._spec(),
                                         [first])
    assert chosen.service_host == 'only'
    spec = test_manager._spec()
    spec.scheduler_hints = {'different_host': [first]}
    with pytest.raises(exception.NoValidHost, match='DifferentHostFilter'):
        api.select_destinations(cells.ctxt, spec,
                                [uuidutils.generate_uuid()])


def test_heartbeat_keeps_the_base_and_liveness_follows_it(cells):
    import datetime
    hm = host_manager.HostManager()
    a = cells.add_compute('a', with_provider=False)
    up = _ask(hm, cells.ctxt, a)[0]['a']
    assert up.service_up
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        svc = objects.Service.get_by_host_and_binary(cctxt, 'a',
                                                     'nova-compute')
        svc.last_seen_up = svc.last_seen_up - datetime.timedelta(hours=1)
        svc.save()
    down = _ask(hm, cells.ctxt, a)[0]['a']
    assert not down.service_up
    assert down.service is up.service


@pytest.mark.parametrize('seen_ago,forced_down', [
    (0, False), (30, False), (3600, False), (0, True), (None, False)])
def test_liveness_rule_is_the_servicegroup_one(seen_ago, forced_down):
    import datetime

    from oslo_utils import timeutils

    from nova import servicegroup
    now = timeutils.utcnow().replace(tzinfo=None, microsecond=0)
    seen = (None if seen_ago is None
            else now - datetime.timedelta(seconds=seen_ago))
    info = host_rows.ServiceInfo(1, 'a', False, None, seen, None, None,
                                  forced_down)
    expected = servicegroup.API().service_is_up(
        host_cache.service_record(info))
    assert host_cache.service_up(info, now, 60) is expected


def test_base_states_of_deleted_nodes_are_forgotten(cells, monkeypatch):
    monkeypatch.setattr(host_manager, 'PRUNE_SLACK', 0)
    hm = host_manager.HostManager()
    a = cells.add_compute('a', with_provider=False)
    b = cells.add_compute('b', with_provider=False)
    _ask(hm, cells.ctxt, a, b)
    assert set(hm._bases) == {a, b}
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        objects.Service.get_by_host_and_binary(
            cctxt, 'b', 'nova-compute').destroy()
    _ask(hm, cells.ctxt, a)
    assert set(hm._bases) == {a}


def test_placed_instance_deleted_before_any_refresh_goes(cells):
    """Placed, then made and deleted in the cell between two requests:
    the next request sees only the deleted row, and must drop the
    scheduler's own record of the placement too."""
    hm = host_manager.HostManager()
    a = cells.add_compute('a', with_provider=False)
    state = _ask(hm, cells.ctxt, a)[0]['a']
    inst = _instance(cells, 'a', 'building')
    hm.placed(state, inst.uuid)
    inst.destroy()
    assert _ask(hm, cells.ctxt, a)[0]['a'].num_instances == 0


@contextlib.contextmanager
def _cell_list_reads():
    """How many times the cell mappings are read inside the block."""
    reads = []

    def listen(conn, cursor, statement, *args):
        if 'FROM cell_mappings' in statement:
            reads.append(statement)

    sa.event.listen(sa.engine.Engine, 'before_cursor_execute', listen)
    try:
        yield reads
    finally:
        sa.event.remove(sa.engine.Engine, 'before_cursor_execute', listen)


def test_the_cell_list_is_read_once_per_ttl_and_after_forget(
        cells, monkeypatch):
    hm = host_manager.HostManager()
    a = cells.add_compute('a', with_provider=False)
    with _cell_list_reads() as reads:
        _ask(hm, cells.ctxt, a)
        _ask(hm, cells.ctxt, a)
    assert len(reads) == 1
    hm.forget_cells()
    with _cell_list_reads() as reads:
        _ask(hm, cells.ctxt, a)
    assert len(reads) == 1
    monkeypatch.setattr(host_manager, 'CELLS_TTL', 0)
    with _cell_list_reads() as reads:
        _ask(hm, cells.ctxt, a)
        _ask(hm, cells.ctxt, a)
    assert len(reads) == 2
