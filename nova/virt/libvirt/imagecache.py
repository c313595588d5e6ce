"""Ageing of the image cache (``$instances_path/_base``).

A base is in use while an instance of this host was built from its image
(``image_ref``) or a disk in an instance directory has it as backing file
(rescue disks, resized instances, instances whose image changed by a
rebuild). Each pass marks the bases in use as used now (their mtime, as
:meth:`ImageCache.fetch` does); a base nobody used for
``[libvirt] remove_unused_original_minimum_age_seconds`` is removed,
under the same lock as a download of it, so a build that is fetching it
at that moment keeps it.
"""

import glob
import os
import time

from oslo_log import log as logging

from nova import exception
from nova.virt.libvirt import imagebackend

LOG = logging.getLogger(__name__)

# Files in _base that are not bases.
_SKIP_SUFFIXES = ('.part',)


def backing_files(instances_path):
    """Backing files (absolute paths) of the disks in the instance
    directories under ``instances_path``."""
    used = set()
    for disk in glob.glob(os.path.join(instances_path, '*', 'disk*')):
        if not os.path.isfile(disk):
            continue
        try:
            info = imagebackend.image_info(disk, force_share=True,
                                           error=exception.NovaException)
        except exception.NovaException as exc:
            LOG.warning('Cannot read %s (%s): its base counts as unused',
                        disk, exc)
            continue
        backing = info.get('full-backing-filename') or \
            info.get('backing-filename')
        if backing:
            used.add(os.path.realpath(os.path.join(os.path.dirname(disk),
                                                   backing)))
    return used


def bases(cache):
    """The base files in the cache directory."""
    try:
        names = os.listdir(cache.base_dir)
    except FileNotFoundError:
        return []
    return [os.path.join(cache.base_dir, name) for name in sorted(names)
            if not name.endswith(_SKIP_SUFFIXES) and
            os.path.isfile(os.path.join(cache.base_dir, name))]


def age(cache, instances_path, instances, min_age, now=None):
    """One pass over ``cache`` (an :class:`imagebackend.ImageCache`);
    ``instances`` are the instances of this host. Returns the paths of
    the bases removed."""
    in_use = backing_files(instances_path)
    in_use.update(os.path.realpath(cache.path_for(inst.image_ref))
                  for inst in instances or []
                  if getattr(inst, 'image_ref', None))
    removed = []
    for base in bases(cache):
        with cache.lock(base):
            if not os.path.exists(base):
                continue
            if os.path.realpath(base) in in_use:
                os.utime(base)
                continue
            idle = (now or time.time()) - os.stat(base).st_mtime
            if idle < min_age:
                LOG.debug('Base %s unused for %d s; kept until %d s',
                          base, idle, min_age)
                continue
            LOG.info('Removing base %s, unused for %d s', base, idle)
            os.unlink(base)
            removed.append(base)
    return removed
