"""Rescue and unrescue.

Rescue keeps the instance's domain (same name and UUID) but redefines it:
the first disk (``vda``, booted first) is ``disk.rescue``, a fresh
overlay on the cached rescue image (the instance's own image unless the
request named another), and the instance's own root disk comes second
(``vdb``) so the user can repair it. The domain's XML from before is kept
in the instance directory as ``unrescue.xml``; unrescue stops the rescue
guest, defines that XML again, starts it and removes the rescue files.

The rescue password cannot be set in the rescue guest (there is no guest
agent); it is written into the rescue guest's config drive as
``admin_pass`` when the instance has a config drive.
"""

import os

from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.virt.libvirt import config as vconfig
from nova.virt.libvirt import host as vhost
from nova.virt.libvirt import imagebackend

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

RESCUE_DISK = 'disk.rescue'
UNRESCUE_XML = 'unrescue.xml'


class RescueFailed(exception.NovaException):
    msg_fmt = 'Rescue failed: %(reason)s'


def _image_id(instance, image_meta):
    image_id = None
    if image_meta is not None:
        # A dict or an ImageMeta (whose get() knows unset fields).
        image_id = image_meta.get('id')
    return image_id or getattr(instance, 'image_ref', None)


def rescue(drv, context, instance, network_info, image_meta,
           rescue_password):
    dom = drv.domain(instance)
    inst_dir = drv.instance_dir(instance)
    saved_xml = os.path.join(inst_dir, UNRESCUE_XML)
    if os.path.exists(saved_xml):
        raise RescueFailed(reason=f'instance {instance.uuid} is already '
                                  'in rescue')
    image_id = _image_id(instance, image_meta)
    if not image_id:
        raise RescueFailed(reason='no rescue image and the instance has '
                                  'no image')
    original = vconfig.GuestConfig.from_xml(
        dom.XMLDesc(vhost.libvirt.VIR_DOMAIN_XML_INACTIVE))
    root = drv.root_disk(dom)
    cache = imagebackend.ImageCache(drv.instances_path)
    base, base_format = cache.fetch(context, drv.image_api, image_id)
    rescue_path = os.path.join(inst_dir, RESCUE_DISK)
    # Sized to the image: the rescue disk is scratch space only.
    fmt = imagebackend.create_root_disk(
        _NoRoot(), base, base_format, rescue_path, 'qcow2')
    disks = [
        vconfig.GuestDisk(source_path=rescue_path, driver_type=fmt,
                          cache=CONF.libvirt.disk_cachemode,
                          target_dev='vda', boot_order=1),
        vconfig.GuestDisk(source_path=root.source_path,
                          driver_type=root.driver_type, cache=root.cache,
                          target_dev='vdb'),
    ]
    cdrom = drv.config_drive_disk(instance, network_info,
                                  admin_password=rescue_password,
                                  name='disk.config.rescue')
    if cdrom is not None:
        disks.append(cdrom)
    guest = drv.guest_config(instance, disks, network_info)
    guest.graphics = original.graphics
    with open(saved_xml, 'w') as f:
        f.write(dom.XMLDesc(vhost.libvirt.VIR_DOMAIN_XML_INACTIVE))
    LOG.info('Rescuing instance %s with image %s', instance.uuid, image_id)
    try:
        drv.stop_domain(dom)
        drv.start_domain(guest.to_xml())
    except Exception:
        # The instance keeps its own domain, stopped.
        LOG.exception('Rescue of %s failed; restoring its domain',
                      instance.uuid)
        _put_back(drv, instance, start=False)
        raise


def unrescue(drv, context, instance):
    dom = drv.domain(instance)
    inst_dir = drv.instance_dir(instance)
    if not os.path.exists(os.path.join(inst_dir, UNRESCUE_XML)):
        raise RescueFailed(reason=f'instance {instance.uuid} is not in '
                                  'rescue')
    drv.stop_domain(dom)
    _put_back(drv, instance, start=True)
    LOG.info('Instance %s left rescue', instance.uuid)


def _put_back(drv, instance, start):
    inst_dir = drv.instance_dir(instance)
    saved_xml = os.path.join(inst_dir, UNRESCUE_XML)
    with open(saved_xml) as f:
        xml = f.read()
    if start:
        drv.start_domain(xml)
    else:
        drv.host.get_connection().defineXML(xml)
    for name in (UNRESCUE_XML, RESCUE_DISK, 'disk.config.rescue'):
        try:
            os.unlink(os.path.join(inst_dir, name))
        except FileNotFoundError:
            pass


class _NoRoot:
    """An instance whose flavor asks no root size: the disk gets the
    image's own size."""
    root_gb = 0
