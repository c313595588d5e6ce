"""Images are cached once per host; instance disks are built on them."""

import os
import shutil
import subprocess
import threading
import types
import uuid

import pytest

from nova import exception
from nova.tests.unit.virt.libvirt import fake_image
from nova.virt.libvirt import imagebackend

pytestmark = pytest.mark.skipif(shutil.which('qemu-img') is None,
                                reason='qemu-img is not installed '
                                       '(tools/setup-libvirt installs it)')

MiB = 1024 ** 2


def _image(tmp_path, fmt='raw', size=MiB, name='img'):
    path = str(tmp_path / name)
    subprocess.run(['qemu-img', 'create', '-q', '-f', fmt, path, str(size)],
                   check=True)
    return path


def _instance(root_gb=0):
    return types.SimpleNamespace(uuid=str(uuid.uuid4()), root_gb=root_gb)


@pytest.fixture
def cache(tmp_path):
    path = tmp_path / 'instances'
    (path / '_base').mkdir(parents=True)
    return imagebackend.ImageCache(str(path))


def test_base_is_named_by_sha1_of_image_id(cache):
    assert cache.path_for('abc') == os.path.join(
        cache.base_dir, 'a9993e364706816aba3e25717850c26c9cd0d89d')


def test_fetch_downloads_once_and_reports_format(tmp_path, cache):
    api = fake_image.FakeImageAPI({'img1': _image(tmp_path, 'qcow2')})
    first = cache.fetch(None, api, 'img1')
    second = cache.fetch(None, api, 'img1')
    assert first == second == (cache.path_for('img1'), 'qcow2')
    assert api.downloads == {'img1': 1}


def test_concurrent_fetches_share_one_download(tmp_path, cache):
    api = fake_image.FakeImageAPI({'img1': _image(tmp_path)}, delay=0.3)
    results = []
    threads = [threading.Thread(
        target=lambda: results.append(cache.fetch(None, api, 'img1')))
        for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert api.downloads == {'img1': 1}
    assert results == [(cache.path_for('img1'), 'raw')] * 4


def test_failed_download_leaves_nothing_in_cache(cache):
    api = fake_image.FakeImageAPI()
    with pytest.raises(exception.ImageNotFound):
        cache.fetch(None, api, 'missing')
    assert sorted(os.listdir(cache.base_dir)) == ['locks']


def test_image_with_backing_file_is_refused(tmp_path, cache):
    base = _image(tmp_path, name='other')
    evil = str(tmp_path / 'evil')
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'raw',
                    '-b', base, evil], check=True)
    api = fake_image.FakeImageAPI({'evil': evil})
    with pytest.raises(exception.InstanceSpawnFailure, match='backing file'):
        cache.fetch(None, api, 'evil')
    assert not os.path.exists(cache.path_for('evil'))


def test_image_in_other_format_is_refused(tmp_path, cache):
    api = fake_image.FakeImageAPI({'v': _image(tmp_path, 'vmdk')})
    with pytest.raises(exception.InstanceSpawnFailure, match='format vmdk'):
        cache.fetch(None, api, 'v')


def test_qcow2_disk_is_overlay_grown_to_root_gb(tmp_path):
    base = _image(tmp_path)
    disk = str(tmp_path / 'disk')
    fmt = imagebackend.create_root_disk(_instance(root_gb=1), base, 'raw',
                                        disk, 'qcow2')
    info = imagebackend.image_info(disk)
    assert fmt == info['format'] == 'qcow2'
    assert info['backing-filename'] == base
    assert info['backing-filename-format'] == 'raw'
    assert info['virtual-size'] == 1024 * MiB


def test_qcow2_disk_keeps_image_size_when_root_gb_is_zero(tmp_path):
    base = _image(tmp_path, size=3 * MiB)
    disk = str(tmp_path / 'disk')
    imagebackend.create_root_disk(_instance(), base, 'raw', disk, 'qcow2')
    assert imagebackend.image_info(disk)['virtual-size'] == 3 * MiB


def test_raw_disk_is_full_copy_grown_to_root_gb(tmp_path):
    base = _image(tmp_path, 'qcow2')
    disk = str(tmp_path / 'disk')
    fmt = imagebackend.create_root_disk(_instance(root_gb=1), base, 'qcow2',
                                        disk, 'raw')
    info = imagebackend.image_info(disk)
    assert fmt == info['format'] == 'raw'
    assert 'backing-filename' not in info
    assert info['virtual-size'] == 1024 * MiB


def test_root_gb_smaller_than_image_is_refused(tmp_path):
    base = _image(tmp_path, size=2 * 1024 * MiB)
    disk = str(tmp_path / 'disk')
    with pytest.raises(exception.InstanceSpawnFailure,
                       match='smaller than the image'):
        imagebackend.create_root_disk(_instance(root_gb=1), base, 'raw',
                                      disk, 'qcow2')
    assert not os.path.exists(disk)
