"""Snapshots: the root disk of an instance uploaded as a new image.

The disk is read only while no QEMU process writes it: a running or
paused guest is first saved to disk (libvirt's managed save, which stops
QEMU after flushing every write) and restored as it was once the copy is
made, so the image is consistent and the guest keeps its memory. A guest
that is shut off is copied as it is. ``qemu-img convert`` flattens the
overlay and its base into one image in the image record's disk format
(qcow2 or raw; qcow2 when the record names none), in
``[libvirt] snapshots_directory``; the file is then uploaded and removed.

Task states, as the contract names them: ``image_pending_upload`` once
the guest is quiet, ``image_uploading`` when the converted image is sent.
"""

import os
import tempfile

from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.compute import task_states
from nova.virt.libvirt import host as vhost
from nova.virt.libvirt import imagebackend

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

FORMATS = ('qcow2', 'raw')


class SnapshotFailed(exception.NovaException):
    msg_fmt = 'The snapshot of the instance failed: %(reason)s'


def target_format(image):
    fmt = (image or {}).get('disk_format') or 'qcow2'
    if fmt not in FORMATS:
        raise SnapshotFailed(
            reason=f'the image record asks for disk format {fmt}; this '
                   f'host writes {", ".join(FORMATS)} snapshots')
    return fmt


def snapshot(drv, context, instance, image_id, update_task_state):
    dom = drv.domain(instance)
    disk = drv.root_disk(dom)
    fmt = target_format(drv.image_api.get(context, image_id))
    saved = _quiesce(dom)
    try:
        update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD,
                          expected_state=task_states.IMAGE_SNAPSHOT)
        out_dir = CONF.libvirt.snapshots_directory
        os.makedirs(out_dir, exist_ok=True)
        fd, out = tempfile.mkstemp(prefix=f'{instance.uuid}-',
                                   suffix=f'.{fmt}', dir=out_dir)
        os.close(fd)
        try:
            try:
                imagebackend.run('qemu-img', 'convert', '-f',
                                 disk.driver_type, '-O', fmt,
                                 disk.source_path, out,
                                 error=SnapshotFailed)
            finally:
                # The guest comes back as soon as its disk was read.
                if saved:
                    saved = False
                    _restore(dom)
            update_task_state(task_state=task_states.IMAGE_UPLOADING,
                              expected_state=(
                                  task_states.IMAGE_PENDING_UPLOAD))
            LOG.info('Uploading the snapshot of %s to image %s (%s)',
                     instance.uuid, image_id, fmt)
            with open(out, 'rb') as data:
                drv.image_api.upload(context, image_id, data)
        finally:
            os.unlink(out)
    finally:
        if saved:
            _restore(dom)


def _quiesce(dom):
    """Save a running or paused guest; True when it was saved."""
    if not dom.isActive():
        return False
    LOG.info('Saving guest %s for its snapshot', dom.UUIDString())
    dom.managedSave(0)
    return True


def _restore(dom):
    """Start ``dom`` from its managed save image (running, or paused if
    it was paused)."""
    try:
        dom.create()
    except vhost.libvirt.libvirtError:
        LOG.exception('Restoring guest %s after its snapshot failed',
                      dom.UUIDString())
        raise
