"""What nova-all writes to DIR/nova.conf."""

import os

from nova.all_in_one import settings


def _conf(path):
    return settings.read_conf([path])


def test_write_puts_every_db_under_the_state_path(tmp_path):
    path = settings.write(str(tmp_path), settings.Endpoints(), 'fake.FakeDriver')
    conf = _conf(path)
    assert path == os.path.join(str(tmp_path), 'nova.conf')
    assert conf['api_database']['connection'] == f'sqlite:///{tmp_path}/nova_api.sqlite'
    assert conf['database']['connection'] == f'sqlite:///{tmp_path}/nova_cell1.sqlite'
    assert conf.defaults()['transport_url'] == 'fake://'
    assert conf.defaults()['log_dir'] == os.path.join(str(tmp_path), 'log')


def test_write_points_clients_at_the_local_peers(tmp_path):
    endpoints = settings.Endpoints('127.0.0.1', 18774, 18778, 19292)
    conf = _conf(settings.write(str(tmp_path), endpoints, 'fake.FakeDriver'))
    assert conf['placement']['endpoint_override'] == 'http://127.0.0.1:18778'
    assert conf['glance']['endpoint_override'] == 'http://127.0.0.1:19292'
    assert conf['wsgi']['osapi_compute_listen_port'] == '18774'
    assert conf['api']['auth_strategy'] == 'noauth2'


def test_second_write_keeps_what_the_operator_changed(tmp_path):
    path = settings.write(str(tmp_path), settings.Endpoints(), 'fake.FakeDriver')
    conf = _conf(path)
    conf['database']['connection'] = 'mysql+pymysql://nova@db/nova'
    conf.defaults()['debug'] = 'true'
    with open(path, 'w') as f:
        conf.write(f)
    conf = _conf(settings.write(str(tmp_path), settings.Endpoints(), 'fake.FakeDriver'))
    assert conf['database']['connection'] == 'mysql+pymysql://nova@db/nova'
    assert conf.defaults()['debug'] == 'true'


def test_command_line_ports_and_driver_win_over_the_old_file(tmp_path):
    settings.write(str(tmp_path), settings.Endpoints(api_port=1), 'fake.FakeDriver')
    conf = _conf(settings.write(str(tmp_path), settings.Endpoints(api_port=2),
                                'libvirt.LibvirtDriver'))
    assert conf['wsgi']['osapi_compute_listen_port'] == '2'
    assert conf.defaults()['compute_driver'] == 'libvirt.LibvirtDriver'


def test_base_config_file_values_are_kept(tmp_path):
    base = tmp_path / 'mine.conf'
    base.write_text('[DEFAULT]\nhost = node-a\ntransport_url = rabbit://x\n')
    state = tmp_path / 'state'
    conf = _conf(settings.write(str(state), settings.Endpoints(),
                                'fake.FakeDriver', [str(base)]))
    assert conf.defaults()['host'] == 'node-a'
    assert conf.defaults()['transport_url'] == 'rabbit://x'
    assert conf.defaults()['state_path'] == str(state)


def test_extra_options_are_set_unconditionally(tmp_path):
    conf = _conf(settings.write(str(tmp_path), settings.Endpoints(), 'fake.FakeDriver',
                                extra={'DEFAULT': {'report_interval': 1}}))
    assert conf.defaults()['report_interval'] == '1'


def test_state_path_comes_from_the_config_file_else_the_default(tmp_path):
    base = tmp_path / 'mine.conf'
    base.write_text('[DEFAULT]\nstate_path = /srv/nova\n')
    assert settings.state_path_from([str(base)], '/default') == '/srv/nova'
    assert settings.state_path_from([], '/default') == '/default'


def test_libvirt_runs_qemu_unless_the_operator_chose_kvm(tmp_path):
    conf = _conf(settings.write(str(tmp_path / 'a'), settings.Endpoints(),
                                'libvirt.LibvirtDriver'))
    assert conf['libvirt']['virt_type'] == 'qemu'
    base = tmp_path / 'mine.conf'
    base.write_text('[libvirt]\nvirt_type = kvm\n')
    conf = _conf(settings.write(str(tmp_path / 'b'), settings.Endpoints(),
                                'libvirt.LibvirtDriver', [str(base)]))
    assert conf['libvirt']['virt_type'] == 'kvm'
