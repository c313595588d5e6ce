"""Idempotent set-up of a one-machine deployment: DBs, cells, host, flavors.

Every step checks before it creates, so a second ``nova-all`` start on the
same state directory keeps all data.
"""

from oslo_log import log as logging
from oslo_utils import uuidutils

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.objects import fields

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

CELL1_NAME = 'cell1'
# An empty qcow2: the fake driver never reads it; a libvirt guest boots to
# nothing from it, which is enough to prove the plumbing.
DEFAULT_IMAGE_NAME = 'tiny'


def _sync(database, connection=None):
    from nova.db import migration
    migration.db_sync(database, connection=connection)


def _find_cell(ctxt, name):
    for cell in objects.CellMappingList.get_all(ctxt):
        if cell.name == name:
            return cell
    return None


def _ensure_cell(ctxt, uuid, name, connection):
    cell = _find_cell(ctxt, name)
    if cell is None:
        # No transport URL: on one machine every cell shares this process's
        # bus ([DEFAULT] transport_url), and fake:// cannot be reopened.
        cell = objects.CellMapping(ctxt, uuid=uuid, name=name,
                                   transport_url=None,
                                   database_connection=connection,
                                   disabled=False)
        cell.create()
        LOG.info('Mapped %s to %s', name, fields.mask_url(connection))
    _sync('main', cell.database_connection)
    return cell


def _ensure_host_mapping(ctxt, host, cell):
    try:
        objects.HostMapping.get_by_host(ctxt, host)
    except exception.HostMappingNotFound:
        objects.HostMapping(ctxt, host=host, cell_mapping=cell).create()
        LOG.info('Mapped compute host %s to %s', host, cell.name)


def prepare_databases(cell0_connection):
    """Migrate the API DB, map and migrate cell0 and cell1, map this host."""
    from nova.compute import flavors
    ctxt = nova_context.get_admin_context()
    _sync('api')
    _ensure_cell(ctxt, objects.CellMapping.CELL0_UUID, 'cell0', cell0_connection)
    cell1 = _ensure_cell(ctxt, uuidutils.generate_uuid(), CELL1_NAME,
                         CONF.database.connection)
    _ensure_host_mapping(ctxt, CONF.host, cell1)
    flavors.create_default_flavors(ctxt)
    return cell1


def ensure_default_image(glance_url):
    """Upload one public image to Glance if it has none; return an image."""
    from nova.image import glance
    from nova.peers import glance as glance_peer
    ctxt = nova_context.get_admin_context()
    images = glance.API(endpoint=glance_url).get_all(ctxt, limit=1)
    if images:
        return images[0]
    image = glance_peer.upload_image(glance_url, DEFAULT_IMAGE_NAME)
    LOG.info('Uploaded the default image %s (%s)', DEFAULT_IMAGE_NAME, image['id'])
    return image
