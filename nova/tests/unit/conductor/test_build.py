"""schedule_and_build_instances and build_instances, end to end in the
conductor: real Placement, SQLite cells, the scheduler over fake://."""

import datetime
import threading

import oslo_messaging as messaging
import pytest
import requests
import sqlalchemy as sa
from oslo_serialization import jsonutils
from oslo_utils import timeutils, uuidutils

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import task_states, vm_states
from nova.conductor import manager, stalled
from nova.db.api import api as api_db
from nova.db.api import models as api_models
from nova.scheduler.client import report

CONF = nova.conf.CONF

class RecordingCompute:
    """Stands in for nova-compute on one host: records what it is cast."""

    target = messaging.Target(version='1.0')

    def __init__(self):
        self.builds = []
        self.event = threading.Event()

    def build_and_run_instance(self, ctxt, **kwargs):
        self.builds.append(kwargs)
        self.event.set()


@pytest.fixture(scope='session')
def _computes(rpc_bus):
    # Session-wide: stopping an RPC server takes a second.
    computes, servers = {}, []
    for host in ('host1', 'host2'):
        computes[host] = RecordingCompute()
        server = rpc_bus.get_server(
            messaging.Target(topic='compute', server=host), [computes[host]])
        server.start()
        servers.append(server)
    yield computes
    for server in servers:
        server.stop()
        server.wait()


@pytest.fixture
def compute_bus(cells, _computes):
    """host -> the RecordingCompute of that host (host1, host2), reset."""
    for compute in _computes.values():
        compute.builds.clear()
        compute.event.clear()
    return _computes.__getitem__


@pytest.fixture
def no_retries():
    CONF.set_override('schedule_retry_timeout', 0, group='conductor')
    yield
    CONF.clear_override('schedule_retry_timeout', group='conductor')


@pytest.fixture
def conductor(scheduler_service):
    return manager.ComputeTaskManager()


def _allocations(url, consumer):
    return requests.get(url + '/allocations/' + consumer, headers={
        'X-Auth-Token': 'admin',
        'OpenStack-API-Version': 'placement 1.28'}).json()['allocations']


def _boot_request(ctxt, memory_mb=1024):
    """What POST /servers leaves in the API DB: (build request, spec)."""
    uuid = uuidutils.generate_uuid()
    flavor = objects.Flavor(id=1, flavorid='1', name='m1.small', vcpus=1,
                            memory_mb=memory_mb, root_gb=10, ephemeral_gb=0,
                            swap=0, extra_specs={})
    instance = objects.Instance(
        ctxt, uuid=uuid, project_id='p', user_id='u', display_name='vm',
        vm_state=vm_states.BUILDING, task_state=task_states.SCHEDULING,
        power_state=0, flavor=flavor, memory_mb=memory_mb, vcpus=1,
        root_gb=10, ephemeral_gb=0, metadata={}, system_metadata={})
    build_request = objects.BuildRequest(ctxt, instance_uuid=uuid,
                                         project_id='p', instance=instance)
    build_request.create()
    objects.InstanceMapping(ctxt, instance_uuid=uuid, project_id='p',
                            user_id='u', cell_mapping=None).create()
    spec = objects.RequestSpec.from_components(
        ctxt, uuid, {}, flavor, 1, None, {}, 'p', 'u')
    spec.create()
    return build_request, spec


def _build(conductor, ctxt, build_request, spec):
    conductor.schedule_and_build_instances(
        ctxt, [build_request], [spec], image={}, admin_password=None,
        injected_files=[], requested_networks=None,
        block_device_mapping=[])


def _instance_in(cells, cell, uuid, read_deleted='no'):
    ctxt = nova_context.get_admin_context(read_deleted=read_deleted)
    with nova_context.target_cell(ctxt, cell) as cctxt:
        return objects.Instance.get_by_uuid(cctxt, uuid,
                                            expected_attrs=['fault'])


def test_no_valid_host_buries_instance_in_cell0(cells, conductor):
    cells.add_compute('small', memory_mb=512)
    br, spec = _boot_request(cells.ctxt, memory_mb=4096)
    _build(conductor, cells.ctxt, br, spec)
    instance = _instance_in(cells, cells.cell0, br.instance_uuid)
    assert instance.vm_state == vm_states.ERROR
    assert instance.fault.message.startswith(
        'No valid host was found. No host has 1 free VCPU, 4096 MB')
    mapping = objects.InstanceMapping.get_by_instance_uuid(
        cells.ctxt, br.instance_uuid)
    assert mapping.cell_mapping.uuid == cells.cell0.uuid
    with pytest.raises(exception.BuildRequestNotFound):
        objects.BuildRequest.get_by_instance_uuid(cells.ctxt,
                                                  br.instance_uuid)
    with nova_context.target_cell(cells.ctxt, cells.cell0) as cctxt:
        actions = objects.InstanceActionList.get_by_instance_uuid(
            cctxt, br.instance_uuid)
    assert [a.action for a in actions] == ['create']


def test_build_creates_instance_in_cell_and_casts(cells, conductor,
                                                  compute_bus, placement):
    node = cells.add_compute('host1')
    cells.add_compute('host2', memory_mb=4096)
    compute = compute_bus('host1')
    br, spec = _boot_request(cells.ctxt)
    _build(conductor, cells.ctxt, br, spec)
    assert compute.event.wait(10)
    [build] = compute.builds
    assert build['instance'].uuid == br.instance_uuid
    assert build['node'] == 'host1'
    assert [s.service_host for s in build['host_list']] == ['host1',
                                                            'host2']
    instance = _instance_in(cells, cells.cell1, br.instance_uuid)
    assert instance.availability_zone == 'nova'
    mapping = objects.InstanceMapping.get_by_instance_uuid(
        cells.ctxt, br.instance_uuid)
    assert mapping.cell_mapping.uuid == cells.cell1.uuid
    with pytest.raises(exception.BuildRequestNotFound):
        objects.BuildRequest.get_by_instance_uuid(cells.ctxt,
                                                  br.instance_uuid)
    assert list(_allocations(placement, br.instance_uuid)) == [node]


def test_server_deleted_while_scheduling_is_cleaned_up(cells, conductor,
                                                       compute_bus,
                                                       placement):
    cells.add_compute('host1')
    compute = compute_bus('host1')
    br, spec = _boot_request(cells.ctxt)
    # The user's DELETE removed the build request meanwhile.
    objects.BuildRequest.get_by_instance_uuid(cells.ctxt,
                                              br.instance_uuid).destroy()
    _build(conductor, cells.ctxt, br, spec)
    assert _allocations(placement, br.instance_uuid) == {}
    with pytest.raises(exception.InstanceNotFound):
        _instance_in(cells, cells.cell1, br.instance_uuid)
    assert not compute.event.wait(0.5)


def _selection(cells, host, node_uuid):
    areq = {'allocations': {node_uuid: {'resources': {
        'VCPU': 1, 'MEMORY_MB': 1024, 'DISK_GB': 10}}}}
    return objects.Selection(
        compute_node_uuid=node_uuid, service_host=host, nodename=host,
        cell_uuid=cells.cell1.uuid, limits={},
        allocation_request=jsonutils.dumps(areq),
        allocation_request_version='1.36')


def _created_instance(cells, conductor, compute_bus):
    cells.add_compute('host1')
    first = compute_bus('host1')
    br, spec = _boot_request(cells.ctxt)
    _build(conductor, cells.ctxt, br, spec)
    assert first.event.wait(10)
    return first.builds[0]['instance'], spec


def test_reschedule_claims_next_alternate_and_casts(cells, conductor,
                                                    compute_bus, placement):
    instance, spec = _created_instance(cells, conductor, compute_bus)
    node2 = cells.add_compute('host2')
    second = compute_bus('host2')
    # host1 failed the build and dropped its allocation.
    requests.delete(placement + '/allocations/' + instance.uuid,
                    headers={'X-Auth-Token': 'admin'})
    conductor.build_instances(
        cells.ctxt, [instance], {}, {'retry': {
            'num_attempts': 1, 'hosts': [['host1', 'host1']],
            'exc_reason': 'spawn failed'}},
        None, [], None, None, [], request_spec=spec,
        host_lists=[[_selection(cells, 'host2', node2)]])
    assert second.event.wait(10)
    [build] = second.builds
    assert build['filter_properties']['retry']['num_attempts'] == 2
    assert list(_allocations(placement, instance.uuid)) == [node2]


def test_reschedule_without_alternates_errors_naming_hosts(
        cells, conductor, compute_bus, placement):
    instance, spec = _created_instance(cells, conductor, compute_bus)
    # An alternate that no longer has room: its claim fails.
    node2 = cells.add_compute('host2', memory_mb=512)
    requests.delete(placement + '/allocations/' + instance.uuid,
                    headers={'X-Auth-Token': 'admin'})
    conductor.build_instances(
        cells.ctxt, [instance], {}, {'retry': {
            'num_attempts': 1, 'hosts': [['host1', 'host1']],
            'exc_reason': 'spawn failed'}},
        None, [], None, None, [], request_spec=spec,
        host_lists=[[_selection(cells, 'host2', node2)]])
    instance = _instance_in(cells, cells.cell1, instance.uuid)
    assert instance.vm_state == vm_states.ERROR
    assert instance.fault.message == (
        'Exceeded maximum number of retries. Build failed on every host '
        'tried: host1 (spawn failed); alternates host2 had no room left in '
        'Placement.')


def test_placement_down_buries_instance_with_the_reason(
        cells, conductor, scheduler_service, monkeypatch):
    CONF.set_override('schedule_retry_timeout', 0, group='conductor')
    cells.add_compute('host1')
    monkeypatch.setattr(scheduler_service, '_reportclient',
                        report.SchedulerReportClient())
    CONF.set_override('endpoint_override', 'http://127.0.0.1:9',
                      group='placement')
    try:
        br, spec = _boot_request(cells.ctxt)
        _build(conductor, cells.ctxt, br, spec)
    finally:
        CONF.clear_override('endpoint_override', group='placement')
        CONF.clear_override('schedule_retry_timeout', group='conductor')
    instance = _instance_in(cells, cells.cell0, br.instance_uuid)
    assert instance.vm_state == vm_states.ERROR
    assert instance.fault.message.startswith('Placement is unreachable')
    assert 'http://127.0.0.1:9' in instance.fault.message


def test_a_scheduler_that_does_not_answer_is_named_in_the_fault(
        cells, conductor, placement, no_retries, monkeypatch):
    node = cells.add_compute('host1')
    br, spec = _boot_request(cells.ctxt)

    def silent(*args, **kwargs):
        # It claimed, then its answer was lost.
        assert report.report_client_singleton().claim_resources(
            cells.ctxt, br.instance_uuid, {'allocations': {node: {
                'resources': {'VCPU': 1, 'MEMORY_MB': 1024,
                              'DISK_GB': 10}}}}, 'p', 'u')
        raise messaging.MessagingTimeout('Timed out waiting for a reply')
    monkeypatch.setattr(conductor.builder.scheduler, 'select_destinations',
                        silent)
    _build(conductor, cells.ctxt, br, spec)
    instance = _instance_in(cells, cells.cell0, br.instance_uuid)
    assert instance.vm_state == vm_states.ERROR
    assert instance.fault.message.startswith(
        'nova-scheduler did not answer within')
    assert _allocations(placement, br.instance_uuid) == {}



@pytest.fixture
def short_retries():
    CONF.set_override('schedule_retry_timeout', 5, group='conductor')
    yield
    CONF.clear_override('schedule_retry_timeout', group='conductor')


def test_a_passing_scheduling_failure_is_tried_again(
        cells, conductor, compute_bus, placement, short_retries,
        monkeypatch):
    cells.add_compute('host1')
    compute = compute_bus('host1')
    real = conductor.builder.scheduler.select_destinations
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise exception.PlacementAPIConnectFailure(reason='restarting')
        return real(*args, **kwargs)
    monkeypatch.setattr(conductor.builder.scheduler, 'select_destinations',
                        flaky)
    monkeypatch.setattr('nova.conductor.tasks.build.time.sleep',
                        lambda s: None)
    br, spec = _boot_request(cells.ctxt)
    _build(conductor, cells.ctxt, br, spec)
    assert compute.event.wait(10)
    assert len(calls) == 2
    assert _instance_in(cells, cells.cell1, br.instance_uuid)


def test_no_valid_host_with_every_compute_up_is_not_retried(
        cells, conductor, short_retries, monkeypatch):
    cells.add_compute('small', memory_mb=512)
    calls = []
    real = conductor.builder.scheduler.select_destinations

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(conductor.builder.scheduler, 'select_destinations',
                        counting)
    br, spec = _boot_request(cells.ctxt, memory_mb=4096)
    _build(conductor, cells.ctxt, br, spec)
    assert len(calls) == 1
    assert _instance_in(cells, cells.cell0, br.instance_uuid).vm_state == \
        vm_states.ERROR


def test_a_compute_down_since_moments_is_coming_back(cells):
    from nova.conductor.tasks import build as build_task
    cells.add_compute('host1')
    cells.add_compute('restarting', up=False)     # down for an hour
    assert not build_task._computes_coming_back(cells.ctxt)
    # Down, but it reported a moment ago.
    with nova_context.target_cell(cells.ctxt, cells.cell1) as cctxt:
        svc = objects.Service.get_by_compute_host(cctxt, 'restarting')
        svc.last_seen_up = timeutils.utcnow() - datetime.timedelta(
            seconds=CONF.service_down_time + 5)
        svc.save()
    assert build_task._computes_coming_back(cells.ctxt)


def test_a_stopping_conductor_leaves_the_build_request_for_later(
        cells, conductor, short_retries, monkeypatch):
    from nova import service

    def unreachable(*args, **kwargs):
        service.STOPPING.set()      # SIGTERM arrives while it waits
        raise exception.PlacementAPIConnectFailure(reason='stopping')
    monkeypatch.setattr(conductor.builder.scheduler, 'select_destinations',
                        unreachable)
    br, spec = _boot_request(cells.ctxt)
    try:
        _build(conductor, cells.ctxt, br, spec)
    finally:
        service.STOPPING.clear()
    assert objects.BuildRequest.get_by_instance_uuid(cells.ctxt,
                                                     br.instance_uuid)
    with pytest.raises(exception.InstanceNotFound):
        _instance_in(cells, cells.cell0, br.instance_uuid)


def test_retries_stop_once_the_server_is_deleted(
        cells, conductor, short_retries, monkeypatch):
    br, spec = _boot_request(cells.ctxt)
    calls = []

    def unreachable(*args, **kwargs):
        calls.append(1)
        # The user deletes the server while Placement is away.
        objects.BuildRequest.get_by_instance_uuid(
            cells.ctxt, br.instance_uuid).destroy()
        raise exception.PlacementAPIConnectFailure(reason='away')
    monkeypatch.setattr(conductor.builder.scheduler, 'select_destinations',
                        unreachable)
    monkeypatch.setattr('nova.conductor.tasks.build.time.sleep',
                        lambda s: None)
    _build(conductor, cells.ctxt, br, spec)
    assert calls == [1]
    with pytest.raises(exception.InstanceNotFound):
        _instance_in(cells, cells.cell0, br.instance_uuid)


def test_a_retried_build_request_is_kept_fresh_for_the_deadline(
        cells, conductor, compute_bus, placement, short_retries,
        monkeypatch):
    cells.add_compute('host1')
    br, spec = _boot_request(cells.ctxt)
    real = conductor.builder.scheduler.select_destinations
    seen = []

    long_ago = timeutils.utcnow().replace(tzinfo=None) - \
        datetime.timedelta(hours=1)

    def flaky(*args, **kwargs):
        if not seen:
            # As if the first try had taken an hour.
            with api_db.context_manager.writer.using(cells.ctxt) as session:
                session.execute(sa.update(api_models.BuildRequest).values(
                    updated_at=long_ago))
            seen.append(long_ago)
            raise exception.PlacementAPIConnectFailure(reason='away')
        seen.append(objects.BuildRequest.get_by_instance_uuid(
            cells.ctxt, br.instance_uuid).updated_at.replace(tzinfo=None))
        return real(*args, **kwargs)
    monkeypatch.setattr(conductor.builder.scheduler, 'select_destinations',
                        flaky)
    monkeypatch.setattr('nova.conductor.tasks.build.service.STOPPING.wait',
                        lambda s: False)
    _build(conductor, cells.ctxt, br, spec)
    assert seen[1] - seen[0] > datetime.timedelta(minutes=59)


def _age_build_request(ctxt, uuid):
    long_ago = timeutils.utcnow().replace(tzinfo=None) - \
        datetime.timedelta(seconds=CONF.task_state_timeout + 60)
    with api_db.context_manager.writer.using(ctxt) as session:
        session.execute(sa.update(api_models.BuildRequest).where(
            api_models.BuildRequest.instance_uuid == uuid).values(
            created_at=long_ago, updated_at=long_ago))


def _end_stalled(cells):
    return stalled.end_stalled(cells.ctxt, report.report_client_singleton())


def test_a_build_message_that_waited_past_its_resend_builds_nothing(
        cells, placement, scheduler_service, compute_bus, monkeypatch):
    # The first message sat in the queue past the deadline: the request
    # was sent again, and only the second message may build the server.
    cells.add_compute('host1')
    conductor = manager.ComputeTaskManager()
    first, spec = _boot_request(cells.ctxt)
    resent = []
    monkeypatch.setattr(
        'nova.conductor.rpcapi.ComputeTaskAPI.schedule_and_build_instances',
        lambda self, ctxt, **kw: resent.append(kw))
    _age_build_request(cells.ctxt, first.instance_uuid)
    assert _end_stalled(cells)['build_requests'] == 1
    second = resent[0]['build_requests'][0]
    assert (first.attempt, second.attempt) == (0, 1)

    _build(conductor, cells.ctxt, first, spec)
    assert compute_bus('host1').builds == []
    assert _allocations(placement, first.instance_uuid) == {}
    assert objects.BuildRequest.get_by_instance_uuid(
        cells.ctxt, first.instance_uuid).attempt == 1

    _build(conductor, cells.ctxt, second, spec)
    assert compute_bus('host1').event.wait(10)
    assert len(compute_bus('host1').builds) == 1
    got = _instance_in(cells, cells.cell1, first.instance_uuid)
    assert got.vm_state == vm_states.BUILDING
    with pytest.raises(exception.InstanceNotFound):
        _instance_in(cells, cells.cell0, first.instance_uuid)


def test_a_conductor_whose_build_was_resent_meanwhile_creates_nothing(
        cells, placement, scheduler_service, compute_bus, monkeypatch):
    # A conductor stuck in scheduling past the deadline (its process did
    # not touch the request): the request is sent again while it waits;
    # when it wakes it must leave the server to the later attempt.
    cells.add_compute('host1')
    conductor = manager.ComputeTaskManager()
    br, spec = _boot_request(cells.ctxt)
    real = conductor.builder.scheduler.select_destinations
    monkeypatch.setattr(
        'nova.conductor.rpcapi.ComputeTaskAPI.schedule_and_build_instances',
        lambda self, ctxt, **kw: None)

    def slow(*args, **kwargs):
        selected = real(*args, **kwargs)
        _age_build_request(cells.ctxt, br.instance_uuid)
        assert _end_stalled(cells)['build_requests'] == 1
        return selected
    monkeypatch.setattr(conductor.builder.scheduler, 'select_destinations',
                        slow)
    _build(conductor, cells.ctxt, br, spec)
    assert compute_bus('host1').builds == []
    with pytest.raises(exception.InstanceNotFound):
        _instance_in(cells, cells.cell1, br.instance_uuid)
    mapping = objects.InstanceMapping.get_by_instance_uuid(
        cells.ctxt, br.instance_uuid)
    assert mapping.cell_mapping is None
    assert objects.BuildRequest.get_by_instance_uuid(
        cells.ctxt, br.instance_uuid).attempt == 1
