"""LibvirtDriver boots and deletes a real guest on QEMU (TCG) through the
local libvirtd.

The guest is the tiny test guest built by ``make-tiny-guest.sh`` (in the
shared tools beside the repository); the image service is
``FakeImageAPI``, serving that disk file. Skipped when libvirt-python,
libvirtd (qemu:///system) or the script is missing: run
``tools/setup-libvirt`` first.
"""

import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import types
import uuid

import pytest

import nova
import nova.conf
from nova import exception
from nova.compute import power_state
from nova.tests.unit.virt.libvirt import fake_image
from nova.virt.libvirt import driver as libvirt_driver
from nova.virt.libvirt import host as libvirt_host

CONF = nova.conf.CONF
libvirt = libvirt_host.libvirt

URI = 'qemu:///system'
MAKE_GUEST = (pathlib.Path(nova.__file__).resolve().parents[1].parent
              / 'shared' / 'tools' / 'make-tiny-guest.sh')
IMAGE_ID = '6c3e8a4d-2f0b-4d51-9a57-1f4a2f7f3b10'
# Per process: two test runs on one machine must not share (and delete)
# each other's bridge. Linux bridge names have at most 15 characters.
BRIDGE = f'brnova{os.getpid() % 100000}'
BOOT_TIMEOUT = 60
MARKER = 'TINY-GUEST-BOOTED'

pytestmark = pytest.mark.slow


def _libvirtd_problem():
    if libvirt is None:
        return 'libvirt-python is not installed (run tools/setup-libvirt)'
    try:
        conn = libvirt.open(URI)
    except libvirt.libvirtError as exc:
        return f'libvirtd does not answer at {URI} ({exc}); run ' \
               f'tools/setup-libvirt'
    conn.close()
    if not MAKE_GUEST.exists():
        return f'{MAKE_GUEST} is absent: cannot build the tiny guest'
    return None


@pytest.fixture(scope='session')
def tiny_guest():
    problem = _libvirtd_problem()
    if problem:
        pytest.skip(problem)
    out = tempfile.mkdtemp(prefix='tiny-guest-')
    try:
        proc = subprocess.run([str(MAKE_GUEST), out], check=False,
                              capture_output=True,
                              text=True, timeout=600)
        if proc.returncode != 0:
            pytest.fail(f'make-tiny-guest.sh failed: {proc.stderr[-2000:]}')
        yield os.path.join(out, 'disk.qcow2')
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.fixture
def drv(tiny_guest):
    # Not under /root or pytest's 0700 tmp: QEMU runs as libvirt-qemu and
    # must reach the disks.
    instances = tempfile.mkdtemp(prefix='nova-instances-', dir='/tmp')
    os.chmod(instances, 0o755)
    overrides = [('connection_uri', URI, 'libvirt'),
                 ('virt_type', 'qemu', 'libvirt'),
                 ('instances_path', instances, None)]
    for name, value, group in overrides:
        CONF.set_override(name, value, group=group)
    bridge_existed = os.path.exists(f'/sys/class/net/{BRIDGE}')
    d = libvirt_driver.LibvirtDriver(
        image_api=fake_image.FakeImageAPI({IMAGE_ID: tiny_guest}))
    d.init_host('functional-host')
    d.spawned = []
    try:
        yield d
    finally:
        # Every domain the test made goes, even when the test failed.
        for inst in d.spawned:
            _remove_domain(d, inst)
        d.cleanup_host('functional-host')
        for name, _, group in overrides:
            CONF.clear_override(name, group=group)
        libvirt_driver.remove_dir(instances)
        if not bridge_existed:
            subprocess.run(['ip', 'link', 'del', BRIDGE], check=False,
                           capture_output=True)


def _remove_domain(drv, inst):
    """Through the driver, and straight through libvirt if that failed."""
    try:
        drv.destroy(None, inst, [])
    except (libvirt.libvirtError, exception.NovaException, OSError) as exc:
        print(f'destroy of {inst.uuid} failed: {exc}')
    dom = drv._host.find_domain(inst.uuid)
    if dom is not None:
        if dom.isActive():
            dom.destroy()
        dom.undefine()


def _spawn(drv, network_info=None):
    inst = types.SimpleNamespace(uuid=str(uuid.uuid4()), memory_mb=256,
                                 vcpus=1, root_gb=1, ephemeral_gb=0,
                                 image_ref=IMAGE_ID)
    drv.spawned.append(inst)
    drv.spawn(None, inst, {'id': IMAGE_ID}, [], None, {},
              network_info=network_info)
    return inst


def _wait_for_console(drv, inst, text, timeout=BOOT_TIMEOUT):
    deadline = time.monotonic() + timeout
    output = ''
    while time.monotonic() < deadline:
        output = drv.get_console_output(None, inst)
        if text in output:
            return output
        time.sleep(0.5)
    pytest.fail(f'{text} not on the console after {timeout} s; '
                f'console:\n{output[-2000:]}')


def test_spawned_guest_boots_and_runs(drv):
    inst = _spawn(drv)
    _wait_for_console(drv, inst, MARKER)
    assert drv.get_info(inst).state == power_state.RUNNING
    # Its VNC server listens where [vnc] server_listen says, on a port
    # libvirt picked when the guest started.
    console = drv.get_vnc_console(None, inst)
    assert console.host == '127.0.0.1'
    assert console.port >= 5900


def test_guest_gets_nic_on_created_bridge(drv):
    # A new VIF id (and tap) each run, as the network service makes them.
    vif_id = str(uuid.uuid4())
    devname = 'tap' + vif_id[:11]
    vif = {'id': vif_id, 'address': 'fa:16:3e:12:34:56', 'type': 'bridge',
           'devname': devname,
           'network': {'id': 'n1', 'bridge': BRIDGE, 'subnets': []}}
    inst = _spawn(drv, network_info=[vif])
    # The whole line, not just its start: the console is read while the
    # guest writes it.
    _wait_for_console(drv, inst, 'TINY-GUEST-NIC: eth0 '
                                 'mac=fa:16:3e:12:34:56 driver=virtio_net')
    assert os.path.exists(f'/sys/class/net/{BRIDGE}/brif/{devname}')


def test_destroy_leaves_no_domain_and_no_instance_dir(drv):
    inst = _spawn(drv)
    drv.destroy(None, inst, [])
    assert drv._host.find_domain(inst.uuid) is None
    assert inst.uuid not in drv.list_instance_uuids()
    assert not os.path.exists(drv.instance_dir(inst))
    with pytest.raises(exception.InstanceNotFound):
        drv.get_info(inst)
