"""nova-status upgrade check against SQLite and a real Placement."""

import datetime
import socket

import pytest
from oslo_utils import uuidutils

from nova import context, objects
from nova.cmd import status
from nova.peers import placement
from nova.scheduler.client import report
from nova.tests.unit.db import fixtures as db_fixtures


@pytest.fixture(scope='module')
def placement_url(tmp_path_factory):
    path = tmp_path_factory.mktemp('placement') / 'placement.db'
    service = placement.make_service(f'sqlite:///{path}', port=0)
    service.start()
    try:
        yield f'http://127.0.0.1:{service.port}'
    finally:
        service.stop()


def _closed_port_url():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return f'http://127.0.0.1:{port}'


@pytest.fixture
def env(tmp_path):
    api_url = 'sqlite:///%s' % (tmp_path / 'api.db')
    main_url = 'sqlite:///%s' % (tmp_path / 'main.db')
    with db_fixtures.Databases(api_url, main_url) as dbs:
        def run(placement_endpoint):
            conf = tmp_path / 'nova.conf'
            placement_conf = ''
            if placement_endpoint:
                placement_conf = (
                    f'[placement]\nendpoint_override = {placement_endpoint}\n'
                    'auth_type = admin_token\ntoken = admin\n')
            conf.write_text(
                '[DEFAULT]\nservice_down_time = 60\n'
                f'[api_database]\nconnection = {api_url}\n'
                f'[database]\nconnection = {main_url}\n' + placement_conf)
            report.reset_report_client_singleton()
            return status.main(['nova-status', '--config-file', str(conf),
                                'upgrade', 'check'])
        run.dbs = dbs
        run.main_url = main_url
        yield run
    context.reset_cell_caches()


def _cells(env):
    ctxt = context.get_admin_context()
    objects.CellMapping(ctxt, uuid=objects.CellMapping.CELL0_UUID,
                        name='cell0', transport_url='none:///',
                        database_connection='sqlite://').create()
    objects.CellMapping(ctxt, uuid=uuidutils.generate_uuid(), name='cell1',
                        transport_url='fake://',
                        database_connection=env.main_url).create()


def _compute(host, seconds_ago):
    seen = datetime.datetime.now(datetime.UTC) - \
        datetime.timedelta(seconds=seconds_ago)
    objects.Service(context.get_admin_context(), host=host,
                    binary='nova-compute', topic='compute',
                    last_seen_up=seen).create()


def test_no_cells_is_a_failure(env, placement_url, capsys):
    assert env(placement_url) == 2
    out = capsys.readouterr().out
    assert 'No cell0 mapping found' in out


def test_all_good(env, placement_url, capsys):
    _cells(env)
    _compute('cmp1', 5)
    assert env(placement_url) == 0
    out = capsys.readouterr().out
    assert 'cell0 and 1 cell(s) mapped' in out
    assert '1 compute service(s) up' in out


def test_down_compute_is_named_in_a_warning(env, placement_url, capsys):
    _cells(env)
    _compute('cmp1', 5)
    _compute('cmp-old', 3600)
    assert env(placement_url) == 1
    out = capsys.readouterr().out
    assert 'cmp-old' in out and 'Warning' in out


def test_no_compute_is_a_warning(env, placement_url, capsys):
    _cells(env)
    assert env(placement_url) == 1
    assert 'No compute service is registered' in capsys.readouterr().out


def test_placement_unreachable_is_a_failure(env, capsys):
    _cells(env)
    _compute('cmp1', 5)
    assert env(_closed_port_url()) == 2
    assert 'Placement is unreachable' in capsys.readouterr().out


def test_placement_not_configured_is_a_failure(env, capsys):
    _cells(env)
    assert env(None) == 2
    assert 'No way to reach' in capsys.readouterr().out


def test_unsynced_database_is_a_failure_not_a_crash(tmp_path, capsys):
    conf = tmp_path / 'nova.conf'
    conf.write_text(f'[api_database]\nconnection = sqlite:///{tmp_path}/a.db\n')
    with db_fixtures.Databases(f'sqlite:///{tmp_path}/a.db',
                               f'sqlite:///{tmp_path}/m.db',
                               create_schema=False):
        assert status.main(['nova-status', '--config-file', str(conf),
                            'upgrade', 'check']) == 2
    assert 'nova-manage api_db sync' in capsys.readouterr().out
