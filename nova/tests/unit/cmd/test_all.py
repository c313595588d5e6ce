"""nova-all's command line: what it refuses before starting anything."""

from nova.all_in_one import settings, virt
from nova.cmd import all as nova_all


def test_missing_config_file_is_refused(tmp_path, capsys):
    assert nova_all.main(['--config-file', str(tmp_path / 'nope.conf'),
                          '--state-path', str(tmp_path)]) == 2
    assert 'nope.conf does not exist' in capsys.readouterr().err
    assert not (tmp_path / 'nova.conf').exists()


def test_libvirt_without_libvirtd_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(virt, '_libvirt_driver_exists', lambda: True)
    monkeypatch.setattr(virt, '_libvirt_answers', lambda: (False, 'no libvirtd'))
    assert nova_all.main(['--virt', 'libvirt', '--state-path', str(tmp_path)]) == 2
    assert 'no libvirtd' in capsys.readouterr().err
    assert not (tmp_path / 'nova.conf').exists()


def test_banner_gives_working_cli_environment():
    text = nova_all.banner(settings.Endpoints(), '/s', '/s/nova.conf',
                           virt.FAKE, 'asked', 'tiny')
    assert ('export OS_AUTH_TYPE=admin_token OS_TOKEN=admin:admin '
            'OS_ENDPOINT=http://127.0.0.1:8774/v2.1 '
            'OS_IMAGE_ENDPOINT_OVERRIDE=http://127.0.0.1:9292 '
            'OS_IDENTITY_ENDPOINT_OVERRIDE=http://127.0.0.1:8774/identity/v3') in text
    assert '--image tiny' in text
    assert 'nova-manage --config-file /s/nova.conf cell_v2 list_hosts' in text


def test_ports_are_options():
    args = nova_all.build_parser().parse_args(
        ['--api-port', '1', '--placement-port', '2', '--glance-port', '3'])
    assert (args.api_port, args.placement_port, args.glance_port) == (1, 2, 3)
