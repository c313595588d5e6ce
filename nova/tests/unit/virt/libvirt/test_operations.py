"""LibvirtDriver's pause/suspend, snapshot, rescue, resize, config drive
and image cache ageing against libvirt's test hypervisor; disks and
images are real (qemu-img)."""

import json
import os
import shutil
import time
import uuid

import pytest

import nova.conf
from nova import exception
from nova.compute import power_state, task_states
from nova.tests.unit.virt.libvirt import helpers
from nova.virt import configdrive
from nova.virt.libvirt import host as libvirt_host
from nova.virt.libvirt import imagebackend, migration, rescue, snapshot

CONF = nova.conf.CONF
libvirt = libvirt_host.libvirt

pytestmark = [
    pytest.mark.skipif(libvirt is None,
                       reason='libvirt-python is not installed '
                              '(tools/setup-libvirt installs it)'),
    pytest.mark.skipif(shutil.which('qemu-img') is None,
                       reason='qemu-img is not installed'),
]


@pytest.fixture
def inst(drv):
    return helpers.spawn(drv, helpers.instance())


def _state(drv, inst):
    return drv.get_info(inst).state


def _disks(drv, inst):
    return {d.find('target').get('dev'): d.find('source').get('file')
            for d in helpers.domain_xml(drv, inst).findall('devices/disk')}


# -- pause / suspend ---------------------------------------------------------

def test_pause_then_unpause(drv, inst):
    drv.pause(inst)
    assert _state(drv, inst) == power_state.PAUSED
    drv.pause(inst)     # already paused: not an error
    drv.unpause(inst)
    assert _state(drv, inst) == power_state.RUNNING


def test_pause_of_stopped_guest_is_refused(drv, inst):
    drv.power_off(inst)
    with pytest.raises(exception.InstanceInvalidState, match='pause'):
        drv.pause(inst)


def test_unpause_of_stopped_guest_is_refused(drv, inst):
    drv.power_off(inst)
    with pytest.raises(exception.InstanceInvalidState, match='unpause'):
        drv.unpause(inst)


def test_suspend_saves_memory_and_resume_restores_it(drv, inst):
    drv.suspend(None, inst)
    dom = drv.host.find_domain(inst.uuid)
    assert _state(drv, inst) == power_state.SUSPENDED
    assert not dom.isActive()
    assert dom.hasManagedSaveImage(0)
    drv.suspend(None, inst)     # already suspended: not an error
    drv.resume(None, inst, [])
    assert _state(drv, inst) == power_state.RUNNING
    assert not dom.hasManagedSaveImage(0)


def test_suspend_of_stopped_guest_is_refused(drv, inst):
    drv.power_off(inst)
    with pytest.raises(exception.InstanceInvalidState, match='suspend'):
        drv.suspend(None, inst)


def test_destroy_of_suspended_guest_removes_it(drv, inst):
    drv.suspend(None, inst)
    drv.destroy(None, inst, [])
    assert drv.host.find_domain(inst.uuid) is None


# -- snapshot ----------------------------------------------------------------

def _record(images, disk_format):
    image_id = str(uuid.uuid4())
    images.add_record(image_id, disk_format=disk_format)
    return image_id


@pytest.mark.parametrize('disk_format', ['qcow2', 'raw'])
def test_snapshot_uploads_flattened_disk_of_saved_guest(
        drv, images, inst, monkeypatch, disk_format):
    image_id = _record(images, disk_format)
    active_during_convert = []
    real_run = imagebackend.run

    def run(*cmd, **kwargs):
        if cmd[:2] == ('qemu-img', 'convert'):
            active_during_convert.append(
                drv.host.find_domain(inst.uuid).isActive())
        return real_run(*cmd, **kwargs)
    monkeypatch.setattr(imagebackend, 'run', run)
    states = []
    drv.snapshot(None, inst, image_id,
                 lambda task_state, expected_state:
                 states.append((task_state, expected_state)))

    assert states == [
        (task_states.IMAGE_PENDING_UPLOAD, task_states.IMAGE_SNAPSHOT),
        (task_states.IMAGE_UPLOADING, task_states.IMAGE_PENDING_UPLOAD)]
    assert active_during_convert == [False]     # no QEMU writing the disk
    info = imagebackend.image_info(images.images[image_id])
    assert info['format'] == disk_format
    assert 'backing-filename' not in info
    assert _state(drv, inst) == power_state.RUNNING
    assert os.listdir(CONF.libvirt.snapshots_directory) == []


def test_snapshot_of_stopped_guest_leaves_it_stopped(drv, images, inst):
    drv.power_off(inst)
    image_id = _record(images, 'qcow2')
    drv.snapshot(None, inst, image_id, lambda *a, **k: None)
    assert images.uploads == [image_id]
    assert _state(drv, inst) == power_state.SHUTDOWN
    assert not drv.host.find_domain(inst.uuid).hasManagedSaveImage(0)


def test_snapshot_to_unsupported_format_uploads_nothing(drv, images, inst):
    image_id = _record(images, 'vmdk')
    with pytest.raises(snapshot.SnapshotFailed, match='vmdk'):
        drv.snapshot(None, inst, image_id, lambda *a, **k: None)
    assert images.uploads == []
    assert _state(drv, inst) == power_state.RUNNING


def test_failed_conversion_brings_the_guest_back(drv, images, inst,
                                                 monkeypatch):
    def run(*cmd, **kwargs):
        raise snapshot.SnapshotFailed(reason='disk full')
    monkeypatch.setattr(imagebackend, 'run', run)
    with pytest.raises(snapshot.SnapshotFailed, match='disk full'):
        drv.snapshot(None, inst, _record(images, 'qcow2'),
                     lambda *a, **k: None)
    assert _state(drv, inst) == power_state.RUNNING
    assert images.uploads == []
    assert os.listdir(CONF.libvirt.snapshots_directory) == []


# -- rescue ------------------------------------------------------------------

def test_rescue_boots_rescue_disk_first_with_own_disk_second(drv, inst):
    inst_dir = drv.instance_dir(inst)
    drv.rescue(None, inst, [], {'id': helpers.IMAGE_ID}, 'pw')
    assert _disks(drv, inst) == {
        'vda': os.path.join(inst_dir, 'disk.rescue'),
        'vdb': os.path.join(inst_dir, 'disk')}
    root = helpers.domain_xml(drv, inst)
    assert root.find("devices/disk/target[@dev='vda']/../boot").get(
        'order') == '1'
    assert _state(drv, inst) == power_state.RUNNING


def test_rescue_with_another_image_downloads_it(drv, images, inst,
                                                tmp_path):
    other = str(tmp_path / 'rescue.qcow2')
    os.system(f'qemu-img create -q -f qcow2 {other} 2M')
    images.images['rescue-image'] = other
    drv.rescue(None, inst, [], {'id': 'rescue-image'}, None)
    assert images.downloads['rescue-image'] == 1
    rescue_disk = imagebackend.image_info(
        os.path.join(drv.instance_dir(inst), 'disk.rescue'))
    assert rescue_disk['backing-filename'] == imagebackend.ImageCache(
        CONF.instances_path).path_for('rescue-image')


def test_rescue_takes_the_image_meta_object_the_manager_passes(drv, inst):
    from nova import objects
    objects.register_all()
    meta = objects.ImageMeta.from_dict({'id': helpers.IMAGE_ID})
    drv.rescue(None, inst, [], meta, None)
    assert _disks(drv, inst)['vda'].endswith('disk.rescue')


def test_unrescue_restores_the_original_domain(drv, inst):
    before = drv.host.find_domain(inst.uuid).XMLDesc(
        libvirt.VIR_DOMAIN_XML_INACTIVE)
    drv.rescue(None, inst, [], {'id': helpers.IMAGE_ID}, None)
    drv.unrescue(None, inst)
    assert drv.host.find_domain(inst.uuid).XMLDesc(
        libvirt.VIR_DOMAIN_XML_INACTIVE) == before
    assert _state(drv, inst) == power_state.RUNNING
    assert sorted(os.listdir(drv.instance_dir(inst))) == ['disk']


def test_rescue_twice_and_unrescue_without_rescue_are_refused(drv, inst):
    with pytest.raises(rescue.RescueFailed, match='not in rescue'):
        drv.unrescue(None, inst)
    drv.rescue(None, inst, [], {'id': helpers.IMAGE_ID}, None)
    with pytest.raises(rescue.RescueFailed, match='already'):
        drv.rescue(None, inst, [], {'id': helpers.IMAGE_ID}, None)


def test_failed_rescue_leaves_own_domain_stopped(drv, inst, monkeypatch):
    before = _disks(drv, inst)

    def fail(xml):
        raise libvirt.libvirtError('no room for QEMU')
    monkeypatch.setattr(drv, 'start_domain', fail)
    with pytest.raises(libvirt.libvirtError):
        drv.rescue(None, inst, [], {'id': helpers.IMAGE_ID}, None)
    assert _disks(drv, inst) == before
    assert _state(drv, inst) == power_state.SHUTDOWN
    assert sorted(os.listdir(drv.instance_dir(inst))) == ['disk']


# -- resize / cold migration -------------------------------------------------

def _flavor(**fields):
    values = {'vcpus': 2, 'memory_mb': 512, 'root_gb': 2,
              'ephemeral_gb': 0}
    values.update(fields)
    return helpers.instance(**values)


def _virtual_size(path):
    return imagebackend.image_info(path)['virtual-size']


def test_migrate_keeps_source_and_copies_disk(drv, inst):
    inst_dir = drv.instance_dir(inst)
    info = json.loads(drv.migrate_disk_and_power_off(
        None, inst, 'host2', _flavor(), []))
    assert info[0]['path'] == 'disk' and info[0]['type'] == 'qcow2'
    kept = inst_dir + migration.RESIZE_SUFFIX
    assert sorted(os.listdir(kept)) == ['disk', migration.DOMAIN_XML]
    # The destination's copy (instances_path is shared here).
    assert os.listdir(inst_dir) == ['disk']
    assert drv.host.find_domain(inst.uuid) is None


def test_shrinking_root_disk_is_refused_before_anything_moves(drv, inst):
    with pytest.raises(migration.MigrationFailed, match='cannot shrink'):
        drv.migrate_disk_and_power_off(
            None, inst, 'host2', _flavor(root_gb=0.5), [])
    assert _state(drv, inst) == power_state.RUNNING
    assert not os.path.exists(drv.instance_dir(inst) + '_resize')


def test_failed_copy_leaves_instance_stopped_on_source(drv, inst,
                                                       monkeypatch):
    def copy(src, dst, dest):
        raise migration.MigrationFailed(reason='ssh: no route to host2')
    monkeypatch.setattr(migration, '_copy', copy)
    with pytest.raises(migration.MigrationFailed, match='no route'):
        drv.migrate_disk_and_power_off(None, inst, 'host2', _flavor(), [])
    assert _state(drv, inst) == power_state.SHUTDOWN
    assert os.listdir(drv.instance_dir(inst)) == ['disk']
    assert not os.path.exists(drv.instance_dir(inst) + '_resize')


def _resized(inst, **fields):
    values = {'uuid': inst.uuid, 'vcpus': 2, 'memory_mb': 512, 'root_gb': 2}
    values.update(fields)
    return helpers.instance(**values)


def test_finish_migration_grows_disk_and_applies_new_flavor(drv, inst):
    disk_info = drv.migrate_disk_and_power_off(None, inst, 'host2',
                                               _flavor(), [])
    new = _resized(inst)
    drv.finish_migration(None, None, new, disk_info, [], None, True, {})
    root = helpers.domain_xml(drv, new)
    assert root.findtext('vcpu') == '2'
    assert int(root.findtext('memory')) == 512 * 1024
    assert _virtual_size(os.path.join(drv.instance_dir(new), 'disk')) == \
        2 * imagebackend.GiB
    assert _state(drv, new) == power_state.RUNNING


def test_finish_migration_without_power_on_leaves_guest_off(drv, inst):
    disk_info = drv.migrate_disk_and_power_off(None, inst, 'host2',
                                               _flavor(), [])
    drv.finish_migration(None, None, _resized(inst), disk_info, [], None,
                         False, {}, power_on=False)
    assert _state(drv, inst) == power_state.SHUTDOWN
    # A cold migration (no resize) keeps the disk as it was.
    assert _virtual_size(os.path.join(drv.instance_dir(inst), 'disk')) == \
        imagebackend.GiB


def test_finish_migration_fetches_a_missing_base(drv, images, inst):
    disk_info = drv.migrate_disk_and_power_off(None, inst, 'host2',
                                               _flavor(), [])
    os.unlink(imagebackend.ImageCache(CONF.instances_path).path_for(
        helpers.IMAGE_ID))
    drv.finish_migration(None, None, _resized(inst), disk_info, [], None,
                         True, {})
    assert images.downloads[helpers.IMAGE_ID] == 2


def test_finish_migration_without_disk_names_the_transport(drv):
    with pytest.raises(migration.MigrationFailed,
                       match='resize_transport'):
        drv.finish_migration(None, None, helpers.instance(), '[]', [],
                             None, True, {})


def test_confirm_removes_what_the_source_kept(drv, inst):
    disk_info = drv.migrate_disk_and_power_off(None, inst, 'host2',
                                               _flavor(), [])
    drv.finish_migration(None, None, _resized(inst), disk_info, [], None,
                         True, {})
    drv.confirm_migration(None, None, inst, [])
    assert not os.path.exists(drv.instance_dir(inst) + '_resize')
    assert _state(drv, inst) == power_state.RUNNING


def test_revert_restores_the_original_instance(drv, inst):
    before = drv.host.find_domain(inst.uuid).XMLDesc(
        libvirt.VIR_DOMAIN_XML_INACTIVE)
    disk_info = drv.migrate_disk_and_power_off(None, inst, 'host2',
                                               _flavor(), [])
    new = _resized(inst)
    drv.finish_migration(None, None, new, disk_info, [], None, True, {})
    drv.destroy(None, new, [])      # revert_resize on the destination
    drv.finish_revert_migration(None, inst, [], None)
    assert drv.host.find_domain(inst.uuid).XMLDesc(
        libvirt.VIR_DOMAIN_XML_INACTIVE) == before
    assert _virtual_size(os.path.join(drv.instance_dir(inst), 'disk')) == \
        imagebackend.GiB
    assert _state(drv, inst) == power_state.RUNNING
    assert os.listdir(drv.instance_dir(inst)) == ['disk']


def test_revert_without_kept_source_is_refused(drv, inst):
    with pytest.raises(migration.MigrationFailed, match='nothing to revert'):
        drv.finish_revert_migration(None, inst, [], None)


@pytest.mark.parametrize('transport,expected', [
    ('local', [['mkdir', '-p', '/i/u'],
               ['cp', '--sparse=always', '-p', '/i/u_resize/disk', '/i/u/']]),
    ('rsync', [['ssh', '-o', 'BatchMode=yes', 'h2', 'mkdir', '-p', '/i/u'],
               ['rsync', '-a', '--sparse', '-e', 'ssh -o BatchMode=yes',
                '/i/u_resize/disk', 'h2:/i/u/']]),
    ('scp', [['ssh', '-o', 'BatchMode=yes', 'h2', 'mkdir', '-p', '/i/u'],
             ['scp', '-p', '-B', '/i/u_resize/disk', 'h2:/i/u/']]),
])
def test_copy_commands_of_each_transport(transport, expected):
    assert migration.copy_commands('/i/u_resize', '/i/u', 'h2', transport,
                                   ['disk']) == expected


# -- config drive ------------------------------------------------------------

@pytest.mark.skipif(configdrive.iso_tool() is None,
                    reason='no genisoimage/mkisofs/xorriso')
def test_spawn_attaches_config_drive_as_readonly_cdrom(drv):
    inst = helpers.spawn(drv, helpers.instance(config_drive='True'))
    cdrom = helpers.domain_xml(drv, inst).find(
        "devices/disk[@device='cdrom']")
    path = os.path.join(drv.instance_dir(inst), 'disk.config')
    assert cdrom.find('source').get('file') == path
    assert (cdrom.find('target').get('dev'),
            cdrom.find('target').get('bus')) == ('hdd', 'ide')
    assert cdrom.find('readonly') is not None
    with open(path, 'rb') as f:
        f.seek(0x8028)      # the ISO 9660 volume identifier
        assert f.read(8) == b'config-2'


def test_spawn_without_config_drive_has_no_cdrom(drv, inst):
    assert helpers.domain_xml(drv, inst).find(
        "devices/disk[@device='cdrom']") is None


# -- image cache ageing ------------------------------------------------------

def _base(cache, name, age):
    path = cache.path_for(name)
    os.makedirs(cache.base_dir, exist_ok=True)
    with open(path, 'wb') as f:
        f.write(b'base')
    then = time.time() - age
    os.utime(path, (then, then))
    return path


@pytest.fixture
def aged(conf):
    CONF.set_override('remove_unused_original_minimum_age_seconds', 3600,
                      group='libvirt')
    yield imagebackend.ImageCache(CONF.instances_path)
    CONF.clear_override('remove_unused_original_minimum_age_seconds',
                        group='libvirt')


def test_unused_base_older_than_minimum_age_is_removed(drv, inst, aged):
    old = _base(aged, 'old-image', age=7200)
    young = _base(aged, 'young-image', age=60)
    assert drv.manage_image_cache(None, [inst]) == [old]
    assert os.path.exists(young)


def test_base_of_an_instance_disk_is_kept_and_marked_used(drv, inst, aged):
    used = aged.path_for(helpers.IMAGE_ID)
    then = time.time() - 7200
    os.utime(used, (then, then))
    # Not in the instance list: its disk's backing file keeps it.
    assert drv.manage_image_cache(None, []) == []
    assert time.time() - os.stat(used).st_mtime < 600


def test_base_of_a_listed_instance_is_kept(drv, aged):
    listed = _base(aged, 'listed-image', age=7200)
    os.makedirs(os.path.join(aged.base_dir, 'locks'), exist_ok=True)
    assert drv.manage_image_cache(
        None, [helpers.instance(image_ref='listed-image')]) == []
    assert os.path.exists(listed)


def test_download_in_progress_is_not_a_base(drv, aged):
    os.makedirs(aged.base_dir, exist_ok=True)
    part = aged.path_for('coming') + '.part'
    with open(part, 'wb') as f:
        f.write(b'half')
    then = time.time() - 7200
    os.utime(part, (then, then))
    assert drv.manage_image_cache(None, []) == []
    assert os.path.exists(part)
