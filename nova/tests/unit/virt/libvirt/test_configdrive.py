"""Config drives: what goes on them and the ISO 9660 image."""

import base64
import json
import shutil
import subprocess
import types

import pytest

import nova.conf
from nova import exception
from nova.virt import configdrive

CONF = nova.conf.CONF

VIF = {'id': '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
       'address': 'fa:16:3e:11:22:33', 'type': 'bridge',
       'devname': 'tap0f1e2d3c-4b',
       'network': {'id': 'net1', 'bridge': 'br100', 'subnets': [
           {'cidr': '10.0.0.0/24', 'gateway': '10.0.0.1',
            'dns': [{'address': '10.0.0.2'}],
            'ips': [{'address': '10.0.0.5', 'type': 'fixed',
                     'version': 4}]}]}}


def _instance(**fields):
    values = {'uuid': 'b5b8a0d6-8f54-4c8c-9a4b-6f5b2b1d0c11',
              'display_name': 'web 1', 'hostname': 'web-1',
              'availability_zone': 'az1', 'launch_index': 2,
              'project_id': 'p1', 'key_name': 'mykey',
              'key_data': 'ssh-ed25519 AAAA me@host',
              'metadata': {'role': 'web'}, 'user_data': None,
              'config_drive': ''}
    values.update(fields)
    return types.SimpleNamespace(**values)


@pytest.fixture
def force(request):
    CONF.set_override('force_config_drive', request.param)
    yield request.param
    CONF.clear_override('force_config_drive')


@pytest.mark.parametrize('force,value,expected', [
    (False, '', False), (False, None, False), (False, 'False', False),
    (False, 'True', True), (False, True, True), (True, '', True)],
    indirect=['force'])
def test_required_when_asked_or_forced(force, value, expected):
    assert configdrive.required_by(_instance(config_drive=value)) is \
        expected


def test_meta_data_describes_the_instance():
    meta = configdrive.meta_data(_instance(), [('/etc/motd', b'hi')],
                                 admin_password='pw')
    assert list(meta)[:2] == ['uuid', 'name']
    assert meta['uuid'] == 'b5b8a0d6-8f54-4c8c-9a4b-6f5b2b1d0c11'
    assert (meta['name'], meta['hostname']) == ('web 1', 'web-1')
    assert (meta['availability_zone'], meta['launch_index']) == ('az1', 2)
    assert meta['public_keys'] == {'mykey': 'ssh-ed25519 AAAA me@host'}
    assert meta['keys'] == [{'name': 'mykey', 'type': 'ssh',
                             'data': 'ssh-ed25519 AAAA me@host'}]
    assert meta['meta'] == {'role': 'web'}
    assert meta['files'] == [{'path': '/etc/motd',
                              'content_path': '/content/0000'}]
    assert meta['admin_pass'] == 'pw'


def test_meta_data_without_key_or_password():
    meta = configdrive.meta_data(_instance(key_data=None))
    assert meta['public_keys'] == {}
    assert 'admin_pass' not in meta and 'files' not in meta


def test_network_data_has_link_static_ip_route_and_dns():
    data = configdrive.network_data([VIF])
    assert data['links'] == [{
        'id': 'tap0f1e2d3c-4b', 'vif_id': VIF['id'], 'type': 'bridge',
        'ethernet_mac_address': 'fa:16:3e:11:22:33', 'mtu': None}]
    assert data['networks'] == [{
        'id': 'network0', 'link': 'tap0f1e2d3c-4b', 'network_id': 'net1',
        'type': 'ipv4', 'ip_address': '10.0.0.5',
        'netmask': '255.255.255.0',
        'routes': [{'network': '0.0.0.0', 'netmask': '0.0.0.0',
                    'gateway': '10.0.0.1'}]}]
    assert data['services'] == [{'type': 'dns', 'address': '10.0.0.2'}]


def test_user_data_is_decoded_from_base64():
    files = configdrive.files_for(_instance(
        user_data=base64.b64encode(b'#!/bin/sh\necho hi\n').decode()))
    assert files['openstack/latest/user_data'] == b'#!/bin/sh\necho hi\n'


def test_no_user_data_file_without_user_data():
    files = configdrive.files_for(_instance())
    assert 'openstack/latest/user_data' not in files
    assert json.loads(files['openstack/latest/network_data.json']) == {
        'links': [], 'networks': [], 'services': []}


def test_make_drive_without_any_iso_tool_says_what_is_missing(
        tmp_path, monkeypatch):
    monkeypatch.setattr(configdrive.shutil, 'which', lambda name: None)
    with pytest.raises(exception.InstanceSpawnFailure,
                       match='genisoimage, mkisofs or xorriso'):
        configdrive.make_drive(str(tmp_path / 'cd.iso'), {})


@pytest.mark.skipif(configdrive.iso_tool() is None or
                    shutil.which('isoinfo') is None,
                    reason='genisoimage (with isoinfo) is not installed')
def test_drive_is_iso9660_labelled_config_2_with_the_files(tmp_path):
    path = str(tmp_path / 'disk.config')
    configdrive.make_drive(path, configdrive.files_for(_instance()))
    header = subprocess.run(['isoinfo', '-d', '-i', path], check=True,
                            capture_output=True, text=True).stdout
    assert 'Volume id: config-2' in header
    meta = subprocess.run(
        ['isoinfo', '-R', '-i', path, '-x',
         '/openstack/latest/meta_data.json'], check=True,
        capture_output=True).stdout
    assert json.loads(meta)['uuid'] == _instance().uuid
