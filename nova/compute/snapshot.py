"""Snapshots and backups of an instance, on its host.

image_snapshot (or image_backup) -> image_pending_upload ->
image_uploading -> no task state; the vm_state does not change. The API
created the image record; the driver uploads the disk to it. A backup
then deletes the older backups of its type beyond ``rotation``. A
failed upload deletes the image, so no empty image is left behind.
"""

from oslo_log import log as logging

from nova import exception
from nova.compute import workflow

LOG = logging.getLogger(__name__)


def upload(mgr, ctxt, instance, image_id):
    """The driver uploads the guest's disk to ``image_id``, moving the
    task state as it goes."""
    def update_task_state(task_state, expected_state=None):
        # The driver names the snapshot's states; a backup or shelve
        # starts from its own, so the current one is the expected one.
        expected = instance.task_state
        instance.task_state = task_state
        instance.save(expected_task_state=expected)
    mgr.driver.snapshot(ctxt, instance, image_id, update_task_state)


def delete_image_quietly(mgr, ctxt, image_id):
    try:
        mgr.image_api.delete(ctxt, image_id)
    except exception.ImageNotFound:
        pass
    except Exception:
        LOG.warning('Could not delete image %s', image_id, exc_info=True)


def _finish(instance):
    expected = instance.task_state
    instance.task_state = None
    instance.save(expected_task_state=expected)


def snapshot(mgr, ctxt, instance, image_id):
    def work():
        upload(mgr, ctxt, instance, image_id)
        _finish(instance)
    if not workflow.run(mgr, ctxt, instance, 'createImage', work):
        delete_image_quietly(mgr, ctxt, image_id)


def backup(mgr, ctxt, instance, image_id, backup_type, rotation):
    def work():
        upload(mgr, ctxt, instance, image_id)
        _finish(instance)
    if not workflow.run(mgr, ctxt, instance, 'createBackup', work):
        delete_image_quietly(mgr, ctxt, image_id)
        return
    rotate_backups(mgr, ctxt, instance, backup_type, rotation)


def rotate_backups(mgr, ctxt, instance, backup_type, rotation):
    """Keep the ``rotation`` newest backups of ``backup_type``."""
    images = mgr.image_api.get_all(ctxt, filters={
        'instance_uuid': instance.uuid, 'image_type': 'backup',
        'backup_type': backup_type, 'sort_key': 'created_at',
        'sort_dir': 'desc'})
    for image in images[rotation:]:
        LOG.info('Rotating out backup %s of instance %s', image['id'],
                 instance.uuid)
        delete_image_quietly(mgr, ctxt, image['id'])
