"""/os-instance_usage_audit_log: the empty log of a cloud where no
audit task has run, over real cell DBs."""

import datetime

from tempest.lib.api_schema.response.compute.v2_1 import (
    instance_usage_audit_logs as schema,
)

from nova.api import validation
from nova.api.openstack.compute import instance_usage_audit_log
from nova.tests.unit.api.openstack.compute import hosts_fixture

URL = '/v2.1/os-instance_usage_audit_log'


def test_index_lists_compute_hosts_as_not_run(admin_client, dbs):
    hosts_fixture.add_service(dbs, 'host1')
    hosts_fixture.add_service(dbs, 'host2')
    hosts_fixture.add_service(dbs, 'cond', binary='nova-conductor')
    resp = admin_client.get(URL)
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(schema.list_instance_usage_audit_log[
        'response_body'], body)
    log = body['instance_usage_audit_logs']
    assert log['hosts_not_run'] == ['host1', 'host2']
    assert (log['num_hosts'], log['num_hosts_done'],
            log['total_instances']) == (2, 0, 0)
    assert log['overall_status'] == '0 of 2 hosts done. 0 errors.'


def test_show_gives_the_month_before_the_timestamp(admin_client, dbs):
    resp = admin_client.get(f'{URL}/2024-03-15%2010:00:00')
    assert resp.status_int == 200
    body = resp.json_body_or_none
    validation.validate(schema.get_instance_usage_audit_log[
        'response_body'], body)
    log = body['instance_usage_audit_log']
    assert (log['period_beginning'], log['period_ending']) == (
        '2024-02-01 00:00:00', '2024-03-01 00:00:00')


def test_period_across_a_year():
    assert instance_usage_audit_log.audit_period(
        datetime.datetime(2024, 1, 5)) == (datetime.datetime(2023, 12, 1),
                                           datetime.datetime(2024, 1, 1))


def test_bad_timestamp_is_400(admin_client, dbs):
    resp = admin_client.get(f'{URL}/yesterday')
    assert resp.status_int == 400
    assert 'yesterday' in resp.json_body_or_none['badRequest']['message']


def test_non_admin_is_403(client, dbs):
    assert client.get(URL).status_int == 403
    assert client.get(f'{URL}/2024-03-15%2010:00:00').status_int == 403
