"""nova-manage against SQLite files: output, exit codes and DB effect."""

import pytest
import sqlalchemy as sa

from nova import context, objects
from nova.cmd import manage
from nova.db import migration
from nova.tests.unit.db import fixtures as db_fixtures


@pytest.fixture
def env(tmp_path):
    api_url = 'sqlite:///%s' % (tmp_path / 'api.db')
    main_url = 'sqlite:///%s' % (tmp_path / 'main.db')
    conf = tmp_path / 'nova.conf'
    conf.write_text('[DEFAULT]\ntransport_url = fake://\n'
                    f'[api_database]\nconnection = {api_url}\n'
                    f'[database]\nconnection = {main_url}\n')
    with db_fixtures.Databases(api_url, main_url, create_schema=False):
        def run(*args):
            return manage.main(['nova-manage', '--config-file', str(conf)]
                               + list(args))
        run.tmp_path = tmp_path
        run.main_url = main_url
        yield run
    context.reset_cell_caches()


def _synced(run):
    assert run('api_db', 'sync') == 0
    assert run('db', 'sync') == 0


def _rows(url, table):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(f'SELECT COUNT(*) FROM {table}')
                                ).scalar()
    finally:
        engine.dispose()


def test_api_db_sync_and_version(env, capsys):
    assert env('api_db', 'sync') == 0
    capsys.readouterr()
    assert env('api_db', 'version') == 0
    assert capsys.readouterr().out.strip() == 'api_0002'


def test_db_sync_and_version(env, capsys):
    assert env('db', 'version') == 0
    assert 'never synced' in capsys.readouterr().out
    assert env('db', 'sync', '--local_cell') == 0
    capsys.readouterr()
    env('db', 'version')
    assert capsys.readouterr().out.strip() == migration.head_version('main')


def test_map_cell0_default_url_and_idempotent(env, capsys):
    _synced(env)
    assert env('cell_v2', 'map_cell0') == 0
    cell0 = objects.CellMapping.get_by_uuid(
        context.get_admin_context(), objects.CellMapping.CELL0_UUID)
    assert cell0.database_connection == 'sqlite:///%s' % (
        env.tmp_path / 'main_cell0.db')
    assert env('cell_v2', 'map_cell0') == 0
    assert 'already mapped' in capsys.readouterr().out


def test_db_sync_also_migrates_cell0(env):
    _synced(env)
    env('cell_v2', 'map_cell0')
    assert env('db', 'sync') == 0
    assert _rows('sqlite:///%s' % (env.tmp_path / 'main_cell0.db'),
                 'instances') == 0


def test_create_cell_and_list_masks_passwords(env, capsys):
    _synced(env)
    assert env('cell_v2', 'create_cell', '--name', 'cell1') == 0
    assert env('cell_v2', 'create_cell', '--name', 'cell2',
               '--transport-url', 'rabbit://nova:rpcsecret@mq:5672/',
               '--database_connection',
               'mysql+pymysql://nova:dbsecret@db/nova') == 0
    capsys.readouterr()
    assert env('cell_v2', 'list_cells') == 0
    out = capsys.readouterr().out
    assert 'cell1' in out and 'cell2' in out
    assert 'rpcsecret' not in out and 'dbsecret' not in out
    assert 'rabbit://nova:****@mq:5672/' in out


def test_list_cells_masks_passwords_with_special_characters(env, capsys):
    _synced(env)
    transport = ('rabbit://nova:rpc%40s3cret@mq1:5672,'
                 'nova:rpc:second/pw@mq2:5672/nova')
    database = 'mysql+pymysql://nova:db/s3cret:x@db/nova?charset=utf8'
    assert env('cell_v2', 'create_cell', '--name', 'cell2',
               '--transport-url', transport,
               '--database_connection', database) == 0
    capsys.readouterr()
    assert env('cell_v2', 'list_cells') == 0
    out = capsys.readouterr().out
    for secret in ('s3cret', 'second', '/pw'):
        assert secret not in out
    assert ('rabbit://nova:****@mq1:5672,nova:****@mq2:5672/nova' in out)
    assert 'mysql+pymysql://nova:****@db/nova?charset=utf8' in out


def test_list_cells_verbose_shows_passwords(env, capsys):
    _synced(env)
    transport = 'rabbit://nova:rpcsecret@mq:5672/'
    database = 'mysql+pymysql://nova:dbsecret@db/nova'
    assert env('cell_v2', 'create_cell', '--name', 'cell2',
               '--transport-url', transport,
               '--database_connection', database) == 0
    capsys.readouterr()
    assert env('cell_v2', 'list_cells', '--verbose') == 0
    out = capsys.readouterr().out
    assert transport in out and database in out


def test_map_cell0_masks_the_password_it_prints(env, capsys):
    _synced(env)
    assert env('cell_v2', 'map_cell0', '--database_connection',
               'mysql+pymysql://nova:c0secret@db/nova_cell0') == 0
    out = capsys.readouterr().out
    assert 'c0secret' not in out
    assert 'mysql+pymysql://nova:****@db/nova_cell0' in out
    assert env('cell_v2', 'map_cell0') == 0
    assert 'c0secret' not in capsys.readouterr().out


def test_create_cell_duplicate_name_is_bad_input(env, capsys):
    _synced(env)
    env('cell_v2', 'create_cell', '--name', 'cell1')
    assert env('cell_v2', 'create_cell', '--name', 'cell1',
               '--database_connection', 'sqlite:///other.db') == 2
    assert 'already exists' in capsys.readouterr().err


def test_discover_hosts_maps_computes(env, capsys):
    _synced(env)
    env('cell_v2', 'create_cell', '--name', 'cell1')
    ctxt = context.get_admin_context()
    for host in ('cmp1', 'cmp2'):
        objects.Service(ctxt, host=host, binary='nova-compute',
                        topic='compute').create()
    capsys.readouterr()
    assert env('cell_v2', 'discover_hosts', '--verbose') == 0
    assert 'Mapped host cmp1' in capsys.readouterr().out
    assert objects.HostMapping.get_by_host(ctxt, 'cmp2').cell_mapping.name \
        == 'cell1'
    assert env('cell_v2', 'discover_hosts') == 0
    assert 'No new hosts found' in capsys.readouterr().out
    env('cell_v2', 'list_hosts')
    out = capsys.readouterr().out
    assert 'cmp1' in out and 'cmp2' in out


def _deleted_instances(n):
    ctxt = context.get_admin_context()
    for _ in range(n):
        inst = objects.Instance(ctxt, project_id='p', user_id='u',
                                metadata={'k': 'v'}, tags=['t'])
        inst.create()
        objects.InstanceFault(ctxt, instance_uuid=inst.uuid, code=500,
                              message='boom').create()
        inst.destroy()
    live = objects.Instance(ctxt, project_id='p', user_id='u')
    live.create()


def test_archive_moves_deleted_rows_with_children(env, capsys):
    _synced(env)
    env('cell_v2', 'create_cell', '--name', 'cell1')
    _deleted_instances(3)
    capsys.readouterr()
    assert env('db', 'archive_deleted_rows', '--max_rows', '2',
               '--until-complete', '--verbose') == 1
    out = capsys.readouterr().out
    assert 'Number of Rows Archived' in out and 'cell1.instances' in out
    assert _rows(env.main_url, 'instances') == 1
    assert _rows(env.main_url, 'shadow_instances') == 3
    assert _rows(env.main_url, 'instance_faults') == 0
    assert _rows(env.main_url, 'shadow_instance_faults') == 3
    assert _rows(env.main_url, 'shadow_tags') == 0      # deleted with it
    assert _rows(env.main_url, 'instance_metadata') == 0
    assert env('db', 'archive_deleted_rows') == 0
    assert 'Nothing was archived' in capsys.readouterr().out


def test_archive_max_rows_limits_a_single_run(env):
    _synced(env)
    _deleted_instances(3)
    assert env('db', 'archive_deleted_rows', '--max_rows', '1') == 1
    assert _rows(env.main_url, 'shadow_instances') == 1


def test_archive_before_keeps_recent(env):
    _synced(env)
    _deleted_instances(2)
    assert env('db', 'archive_deleted_rows', '--before', '2000-01-01') == 0
    assert _rows(env.main_url, 'shadow_instances') == 0


def test_archive_bad_input(env, capsys):
    _synced(env)
    assert env('db', 'archive_deleted_rows', '--max_rows', '0') == 2
    assert env('db', 'archive_deleted_rows', '--before', 'yesterday') == 4
    assert 'Invalid date' in capsys.readouterr().err


def test_purge(env, capsys):
    _synced(env)
    _deleted_instances(2)
    env('db', 'archive_deleted_rows')
    assert env('db', 'purge') == 2
    assert env('db', 'purge', '--before', '2000-01-01') == 1
    assert env('db', 'purge', '--all', '--verbose') == 0
    assert _rows(env.main_url, 'shadow_instances') == 0
    assert 'Purged' in capsys.readouterr().out


def test_simple_cell_setup(env, capsys):
    _synced(env)
    objects.Service(context.get_admin_context(), host='cmp1',
                    binary='nova-compute', topic='compute').create()
    assert env('cell_v2', 'simple_cell_setup') == 0
    cells = objects.CellMappingList.get_all(context.get_admin_context())
    assert sorted(c.name for c in cells) == ['cell0', 'cell1']
    assert objects.HostMapping.get_by_host(
        context.get_admin_context(), 'cmp1').cell_mapping.name == 'cell1'
    assert env('cell_v2', 'simple_cell_setup') == 0
    assert 'already done' in capsys.readouterr().out


def test_unknown_command_is_bad_input(env):
    assert env('cell_v2', 'no_such_action') == 2


def test_mask_url():
    assert manage.mask_url('rabbit://a:b@h1:5672,c:d@h2:5672/v') == \
        'rabbit://a:****@h1:5672,c:****@h2:5672/v'
    assert manage.mask_url('sqlite:///x.db') == 'sqlite:///x.db'
    assert manage.mask_url('rabbit://mq1:5672,mq2:5672/') == \
        'rabbit://mq1:5672,mq2:5672/'
    assert manage.mask_url('qemu+ssh://root@kvm1/system') == \
        'qemu+ssh://root@kvm1/system'
    assert manage.mask_url('postgresql://u@h/db?password=pgsecret') == \
        'postgresql://u@h/db?password=****'
    assert manage.mask_url(None) is None


def test_unsynced_database_is_reported_not_a_crash(env, capsys):
    assert env('cell_v2', 'list_cells') == 1
    assert 'Database error' in capsys.readouterr().err
