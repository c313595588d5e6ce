"""Resize and cold migration.

Every compute host uses the same ``instances_path``. On the source,
``migrate_disk_and_power_off`` stops the guest, keeps its domain XML in
the instance directory, renames that directory to ``<uuid>_resize``
(what a revert restores), undefines the domain and copies the files to
``<instances_path>/<uuid>`` on the destination, as
``[libvirt] resize_transport`` says:

``local``
    a file copy, when both hosts see one ``instances_path`` (two compute
    services on one machine, or shared storage; qcow2 overlays keep
    pointing at the shared ``_base``);
``rsync`` / ``scp``
    over ssh to the destination host, for a real pair of hosts.

On the destination, ``finish_migration`` makes sure the overlay's base is
in its image cache (downloading the instance's image when missing),
grows the root disk to the new flavor's ``root_gb`` (never shrinks it: a
smaller root disk is refused before anything moves), regenerates the
config drive and defines the domain with the new vCPUs and memory.
``confirm_migration`` removes ``<uuid>_resize`` on the source;
``finish_revert_migration`` renames it back and defines the kept XML, so
the instance is exactly what it was.

The source undefines its domain before the destination defines its own,
so two compute services sharing one libvirtd (one machine) never fight
over the one domain a UUID may have there.
"""

import json
import os

from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.virt.libvirt import config as vconfig
from nova.virt.libvirt import host as vhost
from nova.virt.libvirt import imagebackend

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

RESIZE_SUFFIX = '_resize'
DOMAIN_XML = 'domain.xml'
# What is not copied to the destination.
_NOT_COPIED = (DOMAIN_XML,)


class MigrationFailed(exception.NovaException):
    msg_fmt = 'The resize or migration failed: %(reason)s'


def resize_dir(drv, instance):
    return drv.instance_dir(instance) + RESIZE_SUFFIX


def _disk_info(path):
    info = imagebackend.image_info(path, error=MigrationFailed)
    return {'path': os.path.basename(path), 'type': info['format'],
            'backing_file': info.get('full-backing-filename') or
            info.get('backing-filename'),
            'virt_disk_size': info['virtual-size']}


def migrate_disk_and_power_off(drv, context, instance, dest, flavor,
                               network_info, timeout=0, retry_interval=0):
    new_root = getattr(flavor, 'root_gb', 0) or 0
    if new_root and new_root < (instance.root_gb or 0):
        raise MigrationFailed(
            reason=f'the new flavor\'s root disk ({new_root} GiB) is '
                   f'smaller than the instance\'s ({instance.root_gb} '
                   'GiB); root disks cannot shrink')
    dom = drv.domain(instance)
    xml = dom.XMLDesc(vhost.libvirt.VIR_DOMAIN_XML_INACTIVE)
    inst_dir = drv.instance_dir(instance)
    kept = resize_dir(drv, instance)
    if os.path.exists(kept):
        # Left by a move that failed before it was confirmed or reverted.
        drv.remove_dir(kept)
    drv.power_off(instance, timeout, retry_interval)
    disks = [_disk_info(os.path.join(inst_dir, 'disk'))]
    os.rename(inst_dir, kept)
    with open(os.path.join(kept, DOMAIN_XML), 'w') as f:
        f.write(xml)
    try:
        drv.undefine(dom)
        _copy(kept, inst_dir, dest)
    except Exception:
        LOG.exception('Moving the disks of %s to %s failed; the instance '
                      'stays here, stopped', instance.uuid, dest)
        _restore(drv, instance, start=False)
        raise
    LOG.info('Instance %s stopped and its disks copied to %s (%s)',
             instance.uuid, dest, CONF.libvirt.resize_transport)
    return json.dumps(disks)


def copy_commands(src_dir, dst_dir, dest, transport, files):
    """The commands that copy ``files`` (names in ``src_dir``) into
    ``dst_dir`` on host ``dest``."""
    sources = [os.path.join(src_dir, name) for name in files]
    if transport == 'local':
        return [['mkdir', '-p', dst_dir],
                ['cp', '--sparse=always', '-p', *sources, dst_dir + '/']]
    mkdir = ['ssh', '-o', 'BatchMode=yes', dest, 'mkdir', '-p', dst_dir]
    if transport == 'rsync':
        return [mkdir, ['rsync', '-a', '--sparse', '-e',
                        'ssh -o BatchMode=yes', *sources,
                        f'{dest}:{dst_dir}/']]
    return [mkdir, ['scp', '-p', '-B', *sources, f'{dest}:{dst_dir}/']]


def _copy(src_dir, dst_dir, dest):
    transport = CONF.libvirt.resize_transport
    files = sorted(name for name in os.listdir(src_dir)
                   if name not in _NOT_COPIED and
                   os.path.isfile(os.path.join(src_dir, name)))
    for cmd in copy_commands(src_dir, dst_dir, dest, transport, files):
        imagebackend.run(*cmd, error=MigrationFailed)
    if transport == 'local':
        os.chmod(dst_dir, 0o755)


def finish_migration(drv, context, migration, instance, disk_info,
                     network_info, image_meta, resize_instance,
                     power_on=True):
    inst_dir = drv.instance_dir(instance)
    disk_path = os.path.join(inst_dir, 'disk')
    if not os.path.exists(disk_path):
        raise MigrationFailed(
            reason=f'the disk of instance {instance.uuid} is not in '
                   f'{inst_dir}: the source did not copy it here (check '
                   '[libvirt] resize_transport on the source)')
    info = _disk_info(disk_path)
    backing = info['backing_file']
    if backing and not os.path.exists(backing):
        _fetch_base(drv, context, instance, backing)
    if resize_instance:
        size = (instance.root_gb or 0) * imagebackend.GiB
        if size > info['virt_disk_size']:
            LOG.info('Growing the root disk of %s to %d GiB',
                     instance.uuid, instance.root_gb)
            imagebackend.run('qemu-img', 'resize', '-f', info['type'],
                             disk_path, str(size), error=MigrationFailed)
    root = vconfig.GuestDisk(source_path=disk_path,
                             driver_type=info['type'],
                             cache=CONF.libvirt.disk_cachemode)
    disks = [root]
    cdrom = drv.config_drive_disk(instance, network_info)
    if cdrom is not None:
        disks.append(cdrom)
    xml = drv.guest_config(instance, disks, network_info).to_xml()
    if power_on:
        drv.start_domain(xml)
    else:
        drv.host.get_connection().defineXML(xml)


def _fetch_base(drv, context, instance, backing):
    cache = imagebackend.ImageCache(drv.instances_path)
    image_id = getattr(instance, 'image_ref', None)
    if not image_id or os.path.realpath(cache.path_for(image_id)) != \
            os.path.realpath(backing):
        raise MigrationFailed(
            reason=f'the base {backing} of instance {instance.uuid} is not '
                   'on this host and is not its image\'s')
    os.makedirs(cache.base_dir, exist_ok=True)
    cache.fetch(context, drv.image_api, image_id)


def confirm_migration(drv, context, migration, instance, network_info):
    kept = resize_dir(drv, instance)
    if os.path.exists(kept):
        drv.remove_dir(kept)


def finish_revert_migration(drv, context, instance, network_info,
                            migration, power_on=True):
    kept = resize_dir(drv, instance)
    if not os.path.exists(os.path.join(kept, DOMAIN_XML)):
        raise MigrationFailed(
            reason=f'nothing to revert to: {kept} holds no domain of '
                   f'instance {instance.uuid}')
    dom = drv.host.find_domain(instance.uuid)
    if dom is not None:
        # The destination's guest, when both share this libvirtd and it
        # was not removed yet.
        drv.stop_domain(dom)
        drv.undefine(dom)
    inst_dir = drv.instance_dir(instance)
    if os.path.exists(inst_dir):
        drv.remove_dir(inst_dir)
    os.rename(kept, inst_dir)
    _restore(drv, instance, start=power_on, moved=True)
    LOG.info('Instance %s is back from its resize', instance.uuid)


def _restore(drv, instance, start, moved=False):
    """Put the source's directory and domain back as they were."""
    inst_dir = drv.instance_dir(instance)
    kept = resize_dir(drv, instance)
    if not moved:
        if os.path.exists(inst_dir):
            drv.remove_dir(inst_dir)
        os.rename(kept, inst_dir)
    xml_path = os.path.join(inst_dir, DOMAIN_XML)
    with open(xml_path) as f:
        xml = f.read()
    if start:
        drv.start_domain(xml)
    else:
        drv.host.get_connection().defineXML(xml)
    os.unlink(xml_path)
