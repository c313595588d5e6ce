"""Fixtures of the LibvirtDriver unit tests: a private test hypervisor,
a temporary instances_path and an image service serving a real (empty)
qcow2 image."""

import os

import pytest

import nova.conf
from nova.tests.unit.virt.libvirt import fake_image, helpers
from nova.virt.libvirt import driver as libvirt_driver

CONF = nova.conf.CONF


@pytest.fixture
def conf(tmp_path):
    node = tmp_path / 'node.xml'
    node.write_text(helpers.NODE_XML)
    overrides = [('connection_uri', f'test://{node}', 'libvirt'),
                 ('virt_type', 'qemu', 'libvirt'),
                 ('instances_path', str(tmp_path / 'instances'), None)]
    for name, value, group in overrides:
        CONF.set_override(name, value, group=group)
    yield CONF
    for name, _, group in overrides:
        CONF.clear_override(name, group=group)


@pytest.fixture
def images(tmp_path):
    path = str(tmp_path / 'image.qcow2')
    os.system(f'qemu-img create -q -f qcow2 {path} 1M')
    return fake_image.FakeImageAPI({helpers.IMAGE_ID: path},
                                   upload_dir=str(tmp_path))


@pytest.fixture
def drv(conf, images):
    d = libvirt_driver.LibvirtDriver(image_api=images)
    yield d
    d.cleanup_host('host1')
