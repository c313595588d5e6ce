"""Helpers of the libvirt functional tests: instances of the tiny guest
and waiting for what it prints on its serial console."""

import os
import pathlib
import time
import types
import uuid

import pytest

import nova
from nova import exception
from nova.virt.libvirt import host as libvirt_host

libvirt = libvirt_host.libvirt

URI = 'qemu:///system'
MAKE_GUEST = (pathlib.Path(nova.__file__).resolve().parents[1].parent
              / 'shared' / 'tools' / 'make-tiny-guest.sh')
IMAGE_ID = '6c3e8a4d-2f0b-4d51-9a57-1f4a2f7f3b10'
# Per process: two test runs on one machine must not share (and delete)
# each other's bridge. Linux bridge names have at most 15 characters.
BRIDGE = f'brnova{os.getpid() % 100000}'
# TCG on a shared 2-core machine: boots take 4 s idle, 30 s loaded.
BOOT_TIMEOUT = 120
MARKER = 'TINY-GUEST-BOOTED'


def libvirtd_problem():
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


def remove_domain(drv, inst):
    """Through the driver, and straight through libvirt if that failed."""
    try:
        drv.destroy(None, inst, [])
    except (libvirt.libvirtError, exception.NovaException, OSError) as exc:
        print(f'destroy of {inst.uuid} failed: {exc}')
    dom = drv.host.find_domain(inst.uuid)
    if dom is not None:
        if dom.isActive():
            dom.destroy()
        dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)


def instance(**fields):
    values = {'uuid': str(uuid.uuid4()), 'memory_mb': 256, 'vcpus': 1,
              'root_gb': 1, 'ephemeral_gb': 0, 'image_ref': IMAGE_ID}
    values.update(fields)
    return types.SimpleNamespace(**values)


def spawn(drv, network_info=None, image_id=IMAGE_ID, **fields):
    inst = instance(image_ref=image_id, **fields)
    drv.spawned.append(inst)
    drv.spawn(None, inst, {'id': image_id}, [], None, {},
              network_info=network_info)
    return inst


def wait_for_console(drv, inst, text, timeout=BOOT_TIMEOUT):
    deadline = time.monotonic() + timeout
    output = ''
    while time.monotonic() < deadline:
        try:
            output = drv.get_console_output(None, inst)
        except exception.InstanceNotFound:
            output = ''
        if text in output:
            return output
        time.sleep(0.5)
    pytest.fail(f'{text} not on the console after {timeout} s; '
                f'console:\n{output[-2000:]}')
