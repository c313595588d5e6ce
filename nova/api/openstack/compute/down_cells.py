"""Servers and compute services of a cell that does not answer (2.69).

From microversion 2.69 such servers are not left out of ``GET /servers``
and ``/servers/detail`` (when the list is neither filtered, beyond the
project and ``all_tenants``, nor sorted nor paged) and ``GET
/servers/{server_id}`` does not fail: they are shown with status
``UNKNOWN`` and what the API database knows of them (their instance
mapping and request spec). Compute services of such a cell are listed by
``GET /os-services`` from their host mappings, with status ``UNKNOWN``.
Before 2.69 the lists leave them out and showing such a server is 503.
"""

from oslo_db import exception as db_exc
from oslo_utils import strutils

from nova import exception, objects
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common
from nova.api.openstack.compute.views import servers as views
from nova.compute import power_state

MIN_VERSION = '2.69'
UNKNOWN = 'UNKNOWN'
COMPUTE = 'nova-compute'

# What reading a cell's database raises when the cell cannot be reached.
CELL_DOWN_ERRORS = (db_exc.DBConnectionError,)

# Query parameters a server list may have and still show partial servers:
# the only filters whose answer the API database knows.
_PARTIAL_LIST_PARAMS = ('all_tenants', 'project_id', 'tenant_id', 'deleted')


class CellUnavailable(exception.NovaException):
    msg_fmt = ('The cell of server %(server_id)s is not answering: its '
               'details cannot be read now. Try again later.')
    code = 503


def supported(req):
    return avr.is_supported(req, MIN_VERSION)


def partial_list_allowed(req):
    """Whether the server list of ``req`` shows partial servers: 2.69,
    no filter but the project ones (and ``deleted`` false), no paging,
    no sorting."""
    if not supported(req):
        return False
    for key, value in req.GET.items():
        if key not in _PARTIAL_LIST_PARAMS:
            return False
        if key == 'deleted' and strutils.bool_from_string(value):
            return False
    return True


def server_mappings(ctxt, cell_uuids, project_id):
    """The instance mappings of the servers (of ``project_id``, or of
    all projects when None) in the cells ``cell_uuids``."""
    found = []
    for cell_uuid in cell_uuids:
        cell = objects.CellMapping.get_by_uuid(ctxt, cell_uuid)
        for mapping in objects.InstanceMappingList.get_by_cell_id(
                ctxt, cell.id):
            if mapping.queued_for_delete:
                continue
            if project_id is not None and mapping.project_id != project_id:
                continue
            found.append(mapping)
    return found


def _created(mapping):
    return mapping.created_at if 'created_at' in mapping else None


def merge(instances, mappings):
    """Instances and partial servers in one list, newest first (the
    default order of a list, the only one partial servers appear in)."""
    def key(item):
        created = item.created_at if item.obj_attr_is_set('created_at') \
            else None
        stamp = created.timestamp() if created is not None else 0.0
        uuid = item.instance_uuid if isinstance(
            item, objects.InstanceMapping) else item.uuid
        return (-stamp, uuid)
    return sorted(list(instances) + list(mappings), key=key)


def list_body(req, mapping, detailed):
    """A partial server of a list: id, status and links; the detailed
    list adds tenant_id and created."""
    body = {'id': mapping.instance_uuid, 'status': UNKNOWN,
            'links': common.resource_links(req, 'servers',
                                           mapping.instance_uuid)}
    if detailed:
        body['tenant_id'] = mapping.project_id
        body['created'] = views._isotime(_created(mapping))
    return body


def show_body(req, mapping):
    """A partial server of ``GET /servers/{server_id}``: besides the list
    keys, user_id, image, flavor, availability zone and power state,
    from the server's request spec."""
    uuid = mapping.instance_uuid
    try:
        spec = objects.RequestSpec.get_by_instance_uuid(req.context, uuid)
    except exception.RequestSpecNotFound:
        spec = None
    image_id = None
    if spec is not None and spec.obj_attr_is_set('image') and spec.image \
            and spec.image.obj_attr_is_set('id'):
        image_id = spec.image.id
    instance = objects.Instance(
        uuid=uuid, project_id=mapping.project_id, image_ref=image_id,
        flavor=spec.flavor if spec is not None else None)
    body = list_body(req, mapping, detailed=True)
    zone = spec.availability_zone if spec is not None else None
    body.update({
        'user_id': mapping.user_id or UNKNOWN,
        'image': views._image(req, instance),
        'flavor': views._flavor(req, instance),
        'OS-EXT-AZ:availability_zone': zone or UNKNOWN,
        'OS-EXT-STS:power_state': power_state.NOSTATE,
    })
    return body


def compute_services(ctxt, cell_uuids, host=None, binary=None):
    """Partial compute services (binary, host, status) of the hosts the
    cells ``cell_uuids`` map, matching the ``host``/``binary`` filters."""
    if binary is not None and binary != COMPUTE:
        return []
    found = []
    for cell_uuid in cell_uuids:
        cell = objects.CellMapping.get_by_uuid(ctxt, cell_uuid)
        for mapping in objects.HostMappingList.get_by_cell_id(ctxt, cell.id):
            if host is not None and mapping.host != host:
                continue
            found.append({'binary': COMPUTE, 'host': mapping.host,
                          'status': UNKNOWN})
    return found
