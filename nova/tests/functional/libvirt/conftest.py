"""Fixtures of the libvirt functional tests: the tiny test guest (built
once per session by ``make-tiny-guest.sh``) and LibvirtDriver instances on
the local libvirtd (qemu:///system, QEMU TCG). Skipped when
libvirt-python, libvirtd or the script is missing: run
``tools/setup-libvirt`` first.

Every domain a test makes is removed at the end, even when it failed, and
so are the instance directories and the bridge the driver created.
"""

import os
import shutil
import subprocess
import tempfile

import pytest

import nova.conf
from nova.tests.functional.libvirt import guests
from nova.tests.unit.virt.libvirt import fake_image
from nova.virt.libvirt import driver as libvirt_driver

CONF = nova.conf.CONF


@pytest.fixture(scope='session')
def tiny_guest_dir():
    problem = guests.libvirtd_problem()
    if problem:
        pytest.skip(problem)
    out = tempfile.mkdtemp(prefix='tiny-guest-')
    try:
        proc = subprocess.run([str(guests.MAKE_GUEST), out], check=False,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            pytest.fail(f'make-tiny-guest.sh failed: {proc.stderr[-2000:]}')
        yield out
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope='session')
def tiny_guest(tiny_guest_dir):
    """The tiny guest's bootable qcow2 disk."""
    return os.path.join(tiny_guest_dir, 'disk.qcow2')


@pytest.fixture
def make_driver(tiny_guest):
    """``make_driver(host)``: a LibvirtDriver whose compute host is
    ``host``; every driver made by one test shares one instances_path
    (as two compute hosts on one machine do) and one image service."""
    # Not under /root or pytest's 0700 tmp: QEMU runs as libvirt-qemu and
    # must reach the disks.
    instances = tempfile.mkdtemp(prefix='nova-instances-', dir='/tmp')
    os.chmod(instances, 0o755)
    uploads = tempfile.mkdtemp(prefix='nova-images-', dir='/tmp')
    overrides = [('connection_uri', guests.URI, 'libvirt'),
                 ('virt_type', 'qemu', 'libvirt'),
                 ('instances_path', instances, None)]
    for name, value, group in overrides:
        CONF.set_override(name, value, group=group)
    bridge_existed = os.path.exists(f'/sys/class/net/{guests.BRIDGE}')
    images = fake_image.FakeImageAPI({guests.IMAGE_ID: tiny_guest},
                                      upload_dir=uploads)
    drivers = []
    spawned = []

    def make(host):
        d = libvirt_driver.LibvirtDriver(image_api=images)
        d.init_host(host)
        d.spawned = spawned
        drivers.append(d)
        return d
    try:
        yield make
    finally:
        # Every domain the test made goes, even when the test failed.
        for inst in spawned:
            guests.remove_domain(drivers[0], inst)
        for d in drivers:
            d.cleanup_host(d._hostname)
        for name, _, group in overrides:
            CONF.clear_override(name, group=group)
        libvirt_driver.remove_dir(instances)
        shutil.rmtree(uploads, ignore_errors=True)
        if not bridge_existed:
            subprocess.run(['ip', 'link', 'del', guests.BRIDGE],
                           check=False, capture_output=True)


@pytest.fixture
def drv(make_driver):
    return make_driver('functional-host')
