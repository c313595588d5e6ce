"""Instance root disks built from images cached on the host.

An image is downloaded once per host into ``<instances_path>/_base/<sha1 of
the image id>``, under a lock per image (threads and processes alike), so
concurrent builds from the same image share one download. Each instance
then gets its own disk: a qcow2 overlay backed by the cached base
(``images_type=qcow2``) or a full raw copy (``images_type=raw``), grown to
the flavor's root_gb when that is larger than the image.
"""

import hashlib
import json
import os
import subprocess

from oslo_concurrency import lockutils
from oslo_log import log as logging

from nova import exception

LOG = logging.getLogger(__name__)

GiB = 1024 ** 3
# Formats the base may have; anything else (vmdk, iso, ...) is refused
# rather than handed to QEMU with a guessed format.
BASE_FORMATS = ('raw', 'qcow2')


def run(*cmd, error=exception.InstanceSpawnFailure):
    """Run ``cmd``; its stdout. A failure raises ``error(reason=...)``
    saying which command failed and why."""
    try:
        return subprocess.run(cmd, check=True, capture_output=True,
                              text=True).stdout
    except FileNotFoundError:
        raise error(reason=f'{cmd[0]} is not installed on this host')
    except subprocess.CalledProcessError as exc:
        raise error(reason='{} failed: {}'.format(' '.join(cmd),
                                                  exc.stderr.strip()))



def image_info(path, force_share=False,
               error=exception.InstanceSpawnFailure):
    """``qemu-img info`` of ``path`` as a dict (format, virtual-size...).
    ``force_share`` reads an image a running guest holds open."""
    share = ('-U',) if force_share else ()
    return json.loads(run('qemu-img', 'info', *share, '--output=json', path,
                          error=error))


class ImageCache:
    """The ``_base`` directory of a host."""

    def __init__(self, instances_path):
        self.base_dir = os.path.join(instances_path, '_base')
        self._lock_dir = os.path.join(self.base_dir, 'locks')

    def path_for(self, image_id):
        return os.path.join(self.base_dir,
                            hashlib.sha1(image_id.encode()).hexdigest())

    def fetch(self, context, image_api, image_id):
        """Path of the cached base of ``image_id``, downloading it when
        absent. Returns (path, format)."""
        path = self.path_for(image_id)
        with self.lock(path):
            if not os.path.exists(path):
                self._download(context, image_api, image_id, path)
            else:
                LOG.debug('Image %s is cached at %s', image_id, path)
            # Its last use: what the cache manager's ageing counts from.
            os.utime(path)
        return path, self._check(image_id, path)

    def lock(self, path):
        """The lock :meth:`fetch` holds on the base ``path``."""
        os.makedirs(self._lock_dir, exist_ok=True)
        return lockutils.lock(os.path.basename(path), external=True,
                              lock_path=self._lock_dir,
                              lock_file_prefix='nova-image-')

    def _download(self, context, image_api, image_id, path):
        LOG.info('Downloading image %s to %s', image_id, path)
        # Download beside the final name and rename: a crash mid-way
        # leaves no truncated base that later builds would trust.
        tmp = path + '.part'
        try:
            image_api.download(context, image_id, dst_path=tmp)
            self._check(image_id, tmp)
            os.chmod(tmp, 0o644)
            os.rename(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    @staticmethod
    def _check(image_id, path):
        info = image_info(path)
        fmt = info.get('format')
        if fmt not in BASE_FORMATS:
            raise exception.InstanceSpawnFailure(
                reason=f'image {image_id} is in format {fmt}; this host '
                       f'boots only {", ".join(BASE_FORMATS)} images')
        # A qcow2 image naming a backing file could make QEMU open any
        # file of the host: never trust one.
        if info.get('backing-filename'):
            raise exception.InstanceSpawnFailure(
                reason=f'image {image_id} is a qcow2 image with a backing '
                       f'file, which is refused')
        return fmt


def _root_size(instance, base_info):
    """Bytes of the instance disk: the flavor's root_gb, or the image's
    own size when root_gb is 0 (no root disk size in the flavor)."""
    virtual = base_info['virtual-size']
    wanted = (instance.root_gb or 0) * GiB
    if wanted and wanted < virtual:
        raise exception.InstanceSpawnFailure(
            reason=f'the flavor\'s root disk ({instance.root_gb} GiB) is '
                   f'smaller than the image ({virtual} bytes)')
    return max(wanted, virtual)


def create_root_disk(instance, base_path, base_format, disk_path,
                     images_type):
    """Create ``disk_path`` for ``instance`` from the cached base; returns
    the disk's format (what the domain XML's driver type must say)."""
    size = _root_size(instance, image_info(base_path))
    if images_type == 'qcow2':
        run('qemu-img', 'create', '-f', 'qcow2', '-F', base_format,
             '-b', base_path, disk_path, str(size))
        return 'qcow2'
    run('qemu-img', 'convert', '-O', 'raw', '-f', base_format,
         base_path, disk_path)
    if size > image_info(disk_path)['virtual-size']:
        run('qemu-img', 'resize', '-f', 'raw', disk_path, str(size))
    return 'raw'
