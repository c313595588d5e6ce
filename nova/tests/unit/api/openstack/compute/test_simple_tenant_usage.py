"""/os-simple-tenant-usage against real cell DBs."""

import datetime

import pytest
from oslo_utils import uuidutils
from tempest.lib.api_schema.response.compute.v2_1 import tenant_usages as schema

from nova import context as nova_context
from nova import objects
from nova.api import validation

URL = '/v2.1/os-simple-tenant-usage'
PERIOD = 'start=2024-01-01T00:00:00&end=2024-01-02T00:00:00'
T0 = datetime.datetime(2024, 1, 1)


def _server(cell, project='fake-project', launched=1, terminated=None,
            deleted=False, name='vm', vcpus=2):
    """A server launched ``launched`` hours after T0 (None: never)."""
    flavor = objects.Flavor(id=1, flavorid='1', name='m1.small',
                            memory_mb=1024, vcpus=vcpus, root_gb=10,
                            ephemeral_gb=5, swap=0)
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, cell) as cctxt:
        inst = objects.Instance(
            cctxt, uuid=uuidutils.generate_uuid(), project_id=project,
            user_id='u', vm_state='active', power_state=1, flavor=flavor,
            vcpus=vcpus, memory_mb=1024, root_gb=10, ephemeral_gb=5,
            display_name=name, created_at=T0,
            launched_at=(None if launched is None
                         else T0 + datetime.timedelta(hours=launched)),
            terminated_at=(None if terminated is None
                           else T0 + datetime.timedelta(hours=terminated)))
        inst.create()
        if deleted:
            inst.destroy()
    return inst


def test_show_counts_hours_inside_the_period(client, dbs):
    inst = _server(dbs.cell1, launched=2, terminated=8, deleted=True)
    resp = client.get(f'{URL}/fake-project?{PERIOD}')
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(schema.get_tenant_usage['response_body'], body)
    usage = body['tenant_usage']
    assert usage['total_hours'] == pytest.approx(6.0)
    assert usage['total_vcpus_usage'] == pytest.approx(12.0)
    assert usage['total_memory_mb_usage'] == pytest.approx(6144.0)
    assert usage['total_local_gb_usage'] == pytest.approx(90.0)
    server = usage['server_usages'][0]
    assert server['instance_id'] == inst.uuid
    assert (server['state'], server['local_gb'], server['uptime']) == (
        'terminated', 15, 6 * 3600)
    assert server['ended_at'] == '2024-01-01T08:00:00'
    assert usage['start'] == '2024-01-01T00:00:00'


def test_running_server_counts_until_the_end(client, dbs):
    _server(dbs.cell1, launched=20)
    usage = client.get(
        f'{URL}/fake-project?{PERIOD}').json_body_or_none['tenant_usage']
    assert usage['total_hours'] == pytest.approx(4.0)
    assert usage['server_usages'][0]['ended_at'] is None
    assert usage['server_usages'][0]['state'] == 'active'


def test_servers_outside_the_period_do_not_count(client, dbs):
    _server(dbs.cell1, launched=30)
    _server(dbs.cell1, launched=None)
    resp = client.get(f'{URL}/fake-project?{PERIOD}')
    assert resp.json_body_or_none == {'tenant_usage': {}}


def test_index_is_admin_and_groups_by_project_across_cells(
        client, admin_client, dbs):
    _server(dbs.cell1, project='p1', launched=0)
    _server(dbs.cell0, project='p2', launched=12)
    assert client.get(f'{URL}?{PERIOD}').status_int == 403
    resp = admin_client.get(f'{URL}?{PERIOD}')
    body = resp.json_body_or_none
    validation.validate(schema.list_tenant_usage['response_body'], body)
    hours = {u['tenant_id']: u['total_hours'] for u in body['tenant_usages']}
    assert hours == {'p1': pytest.approx(24.0), 'p2': pytest.approx(12.0)}
    assert 'server_usages' not in body['tenant_usages'][0]
    detailed = admin_client.get(f'{URL}?{PERIOD}&detailed=1')
    assert all(len(u['server_usages']) == 1
               for u in detailed.json_body_or_none['tenant_usages'])


def test_other_project_usage_is_forbidden(client, dbs):
    assert client.get(f'{URL}/other?{PERIOD}').status_int == 403


def test_pagination_from_2_40(admin_client, dbs):
    servers = [_server(dbs.cell1, project='p1', launched=0),
               _server(dbs.cell1, project='p1', launched=1)]
    # Both were created at T0: pages are ordered by creation, then uuid.
    first, second = sorted(servers, key=lambda s: s.uuid)
    resp = admin_client.get(f'{URL}?{PERIOD}&detailed=1&limit=1',
                            version='2.40')
    body = resp.json_body_or_none
    assert [s['instance_id'] for s in
            body['tenant_usages'][0]['server_usages']] == [first.uuid]
    link = body['tenant_usages_links'][0]
    assert link['rel'] == 'next' and f'marker={first.uuid}' in link['href']
    resp = admin_client.get(
        f'{URL}?{PERIOD}&detailed=1&limit=1&marker={first.uuid}',
        version='2.40')
    assert [s['instance_id'] for s in resp.json_body_or_none[
        'tenant_usages'][0]['server_usages']] == [second.uuid]
    resp = admin_client.get(f'{URL}?{PERIOD}&marker=nope', version='2.40')
    assert resp.status_int == 400


def test_limit_is_ignored_before_2_40(admin_client, dbs):
    _server(dbs.cell1, project='p1', launched=0)
    _server(dbs.cell1, project='p1', launched=1)
    body = admin_client.get(f'{URL}?{PERIOD}&detailed=1&limit=1',
                            version='2.39').json_body_or_none
    assert len(body['tenant_usages'][0]['server_usages']) == 2
    assert 'tenant_usages_links' not in body


@pytest.mark.parametrize('query', [
    'start=yesterday', 'start=2024-01-02T00:00:00&end=2024-01-01T00:00:00'])
def test_bad_period_is_400(admin_client, dbs, query):
    resp = admin_client.get(f'{URL}?{query}')
    assert resp.status_int == 400
    assert 'time' in resp.json_body_or_none['badRequest']['message']


def test_no_period_is_the_instant_now(client, dbs):
    _server(dbs.cell1, launched=0)
    resp = client.get(f'{URL}/fake-project')
    assert resp.status_int == 200
    assert resp.json_body_or_none['tenant_usage']['total_hours'] == \
        pytest.approx(0.0)
