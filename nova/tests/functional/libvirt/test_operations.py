"""LibvirtDriver's operations beyond boot and delete, on real QEMU (TCG)
guests through the local libvirtd: pause and suspend, snapshot and boot
from it, rescue, lifecycle events, resize between two compute hosts of
one machine, config drive and image cache ageing.
"""

import json
import os
import threading
import types
import uuid
import xml.etree.ElementTree as ET

import pytest

import nova.conf
from nova.compute import power_state, task_states
from nova.tests.functional.libvirt import guests
from nova.virt import driver as virt_driver
from nova.virt.libvirt import imagebackend

CONF = nova.conf.CONF
libvirt = guests.libvirt

pytestmark = pytest.mark.slow


def _xml(drv, inst):
    return ET.fromstring(drv.host.find_domain(inst.uuid).XMLDesc(0))


def _line(output, prefix):
    """The rest of the only console line starting with ``prefix``."""
    lines = [line[len(prefix):] for line in output.splitlines()
             if line.startswith(prefix)]
    assert len(lines) == 1, output
    return lines[0]


def _state(drv, inst):
    """(state, reason) of the domain, libvirt's numbers."""
    return tuple(drv.host.find_domain(inst.uuid).state())


def test_pause_unpause_suspend_resume_keep_the_guest_running(drv):
    inst = guests.spawn(drv)
    guests.wait_for_console(drv, inst, guests.MARKER)

    drv.pause(inst)
    assert drv.get_info(inst).state == power_state.PAUSED
    drv.unpause(inst)
    assert _state(drv, inst) == (libvirt.VIR_DOMAIN_RUNNING,
                                 libvirt.VIR_DOMAIN_RUNNING_UNPAUSED)

    drv.suspend(None, inst)
    assert drv.get_info(inst).state == power_state.SUSPENDED
    assert drv.host.find_domain(inst.uuid).hasManagedSaveImage(0)
    drv.resume(None, inst, [])
    # Restored from its saved memory, not booted again.
    assert _state(drv, inst) == (libvirt.VIR_DOMAIN_RUNNING,
                                 libvirt.VIR_DOMAIN_RUNNING_RESTORED)


def test_snapshot_uploads_a_bootable_image(drv):
    inst = guests.spawn(drv)
    guests.wait_for_console(drv, inst, guests.MARKER)
    image_id = str(uuid.uuid4())
    drv.image_api.add_record(image_id, disk_format='qcow2')
    states = []
    drv.snapshot(None, inst, image_id,
                 lambda task_state, expected_state=None:
                 states.append((task_state, expected_state)))

    assert states == [
        (task_states.IMAGE_PENDING_UPLOAD, task_states.IMAGE_SNAPSHOT),
        (task_states.IMAGE_UPLOADING, task_states.IMAGE_PENDING_UPLOAD)]
    uploaded = drv.image_api.images[image_id]
    info = imagebackend.image_info(uploaded)
    assert info['format'] == 'qcow2'
    assert 'backing-filename' not in info     # flattened
    # The guest goes on from where it was.
    assert _state(drv, inst) == (libvirt.VIR_DOMAIN_RUNNING,
                                 libvirt.VIR_DOMAIN_RUNNING_RESTORED)
    # And a new server boots from the snapshot.
    second = guests.spawn(drv, image_id=image_id)
    guests.wait_for_console(drv, second, guests.MARKER)


def test_rescue_boots_rescue_disk_with_own_disk_second(drv):
    inst = guests.spawn(drv)
    guests.wait_for_console(drv, inst, guests.MARKER)
    inst_dir = drv.instance_dir(inst)

    drv.rescue(None, inst, [], {'id': guests.IMAGE_ID}, 'secret')
    guests.wait_for_console(drv, inst, 'TINY-GUEST-BLK: vda vda1 vdb vdb1')
    disks = {d.find('target').get('dev'): d.find('source').get('file')
             for d in _xml(drv, inst).findall('devices/disk')}
    assert disks == {'vda': os.path.join(inst_dir, 'disk.rescue'),
                     'vdb': os.path.join(inst_dir, 'disk')}

    drv.unrescue(None, inst)
    output = guests.wait_for_console(drv, inst, 'TINY-GUEST-READY')
    # The console log starts again with each start of the guest.
    assert _line(output, 'TINY-GUEST-BLK: ').split() == ['vda', 'vda1']
    disks = {d.find('target').get('dev'): d.find('source').get('file')
             for d in _xml(drv, inst).findall('devices/disk')}
    assert disks == {'vda': os.path.join(inst_dir, 'disk')}
    assert not os.path.exists(os.path.join(inst_dir, 'disk.rescue'))


def test_guest_powering_itself_off_emits_stopped_event(drv,
                                                       tiny_guest_dir):
    inst = guests.instance()
    got = []
    stopped = threading.Event()

    def listener(event):
        if event.uuid != inst.uuid:
            return      # another test's guest on this libvirtd
        got.append(event)
        if event.transition == virt_driver.EVENT_LIFECYCLE_STOPPED:
            stopped.set()
    drv.register_event_listener(listener)
    # A direct kernel boot: the disk image's own command line has no
    # tiny.poweroff.
    drv.spawned.append(inst)
    os.makedirs(drv.instance_dir(inst))
    os.chmod(drv.instance_dir(inst), 0o755)
    guest = drv.guest_config(inst, [], None)
    guest.kernel = os.path.join(tiny_guest_dir, 'vmlinuz')
    guest.initrd = os.path.join(tiny_guest_dir, 'initrd.img')
    guest.cmdline = 'console=ttyS0 panic=-1 tiny.poweroff'
    drv.start_domain(guest.to_xml())
    guests.wait_for_console(drv, inst, 'TINY-GUEST-POWEROFF')

    assert stopped.wait(10), f'no stopped event; got {got}'
    # QEMU starts with its CPUs stopped and libvirt lets them go, so a
    # boot is a 'resumed' and a 'started' event, in either order.
    seen = [(e.transition, e.power_state, e.reason) for e in got]
    assert (virt_driver.EVENT_LIFECYCLE_STARTED, power_state.RUNNING,
            None) in seen[:-1]
    assert seen[-1] == (virt_driver.EVENT_LIFECYCLE_STOPPED,
                        power_state.SHUTDOWN, 'shutdown')


def _flavor(vcpus, memory_mb, root_gb):
    return types.SimpleNamespace(vcpus=vcpus, memory_mb=memory_mb,
                                 root_gb=root_gb, ephemeral_gb=0)


def test_resize_to_other_host_then_revert(make_driver):
    source, dest = make_driver('host-a'), make_driver('host-b')
    inst = guests.spawn(source)
    guests.wait_for_console(source, inst, guests.MARKER)
    disk = os.path.join(source.instance_dir(inst), 'disk')
    new = _flavor(vcpus=2, memory_mb=384, root_gb=2)

    disk_info = source.migrate_disk_and_power_off(
        None, inst, 'host-b', new, [])
    assert json.loads(disk_info)[0]['path'] == 'disk'
    resized = guests.instance(uuid=inst.uuid, vcpus=2, memory_mb=384,
                              root_gb=2)
    dest.finish_migration(None, None, resized, disk_info, [], None, True,
                          {}, power_on=True)
    guests.wait_for_console(dest, resized, guests.MARKER)
    root = _xml(dest, resized)
    assert root.findtext('vcpu') == '2'
    assert int(root.findtext('memory')) == 384 * 1024
    assert imagebackend.image_info(disk, force_share=True)[
        'virtual-size'] == 2 * imagebackend.GiB

    # Revert: the destination drops its guest, the source gets its back.
    dest.destroy(None, resized, [])
    source.finish_revert_migration(None, inst, [], None, power_on=True)
    guests.wait_for_console(source, inst, guests.MARKER)
    root = _xml(source, inst)
    assert root.findtext('vcpu') == '1'
    assert int(root.findtext('memory')) == 256 * 1024
    assert imagebackend.image_info(disk, force_share=True)[
        'virtual-size'] == 1 * imagebackend.GiB
    assert not os.path.exists(source.instance_dir(inst) + '_resize')


def test_config_drive_carries_the_metadata(drv):
    CONF.set_override('force_config_drive', True)
    try:
        inst = guests.spawn(drv, hostname='tiny', display_name='tiny-1',
                            metadata={'role': 'test'})
    finally:
        CONF.clear_override('force_config_drive')
    output = guests.wait_for_console(drv, inst, 'TINY-GUEST-READY')
    assert _line(output, 'TINY-GUEST-CONFIGDRIVE: ').strip() == '/dev/sr0'
    assert f'"uuid": "{inst.uuid}"' in _line(output,
                                             'TINY-GUEST-METADATA: ')


def test_image_cache_keeps_used_base_and_ages_out_unused(drv):
    inst = guests.spawn(drv)
    base = imagebackend.ImageCache(CONF.instances_path).path_for(
        guests.IMAGE_ID)
    CONF.set_override('remove_unused_original_minimum_age_seconds', 0,
                      group='libvirt')
    try:
        # In use by a running guest (its overlay's backing file).
        assert drv.manage_image_cache(None, []) == []
        assert os.path.exists(base)
        drv.destroy(None, inst, [])
        assert drv.manage_image_cache(None, []) == [base]
    finally:
        CONF.clear_override('remove_unused_original_minimum_age_seconds',
                            group='libvirt')
    assert not os.path.exists(base)
