"""Server bodies, per microversion and per who asks (admin fields)."""

import hashlib

from oslo_serialization import jsonutils

import nova.conf
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common

CONF = nova.conf.CONF

# Statuses whose body carries "progress".
_PROGRESS_STATUSES = ('ACTIVE', 'BUILD', 'REBUILD', 'RESIZE',
                      'VERIFY_RESIZE', 'MIGRATING')
# Statuses whose body carries the latest fault.
_FAULT_STATUSES = ('ERROR', 'DELETED')


def _get(instance, name, default=None):
    """A field's value, without lazy-loading what is not there."""
    if not instance.obj_attr_is_set(name):
        return default
    value = getattr(instance, name)
    return default if value is None else value


def _isotime(value):
    """"2012-08-20T21:11:09Z", as the created/updated fields show."""
    if value is None:
        return None
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')


def _usage_time(value):
    """"2012-08-20T21:11:09.000000", as the OS-SRV-USG fields show."""
    if value is None:
        return None
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f')


def host_id(instance):
    """An opaque id of the host, unique per project (hides the name)."""
    return hashed_host_id(_get(instance, 'host'), instance.project_id)


def hashed_host_id(host, project_id):
    """The opaque id of ``host`` as ``project_id`` sees it ('' for
    none): server views and (2.62) instance action events show it."""
    if not host:
        return ''
    data = ((project_id or '') + host).encode('utf-8')
    return hashlib.sha224(data).hexdigest()


def _network_info(instance):
    cache = _get(instance, 'info_cache')
    if cache is None:
        return []
    raw = _get(cache, 'network_info')
    if not raw:
        return []
    if isinstance(raw, str):
        try:
            return jsonutils.loads(raw) or []
        except ValueError:
            return []
    return list(raw)


def addresses(instance, extended=True):
    """{network label: [{version, addr, OS-EXT-IPS:type, ...-MAC:...}]}."""
    result = {}
    for vif in _network_info(instance):
        network = vif.get('network') or {}
        label = network.get('label') or 'network'
        entries = result.setdefault(label, [])
        for subnet in network.get('subnets') or []:
            for ip in subnet.get('ips') or []:
                found = [(ip, 'fixed')] + [
                    (fip, 'floating') for fip in ip.get('floating_ips') or []]
                for item, kind in found:
                    entry = {'version': item.get('version') or (
                                 6 if ':' in item['address'] else 4),
                             'addr': item['address']}
                    if extended:
                        entry['OS-EXT-IPS:type'] = item.get('type') or kind
                        entry['OS-EXT-IPS-MAC:mac_addr'] = vif.get('address')
                    entries.append(entry)
    return result


def _image(req, instance):
    image_ref = _get(instance, 'image_ref')
    if not image_ref:
        return ''   # booted from a volume
    return {'id': image_ref,
            'links': [{'rel': 'bookmark',
                       'href': common.image_bookmark(req, image_ref)}]}



def _allowed(req, rule, project_id):
    """``rule`` for a server of ``project_id``, checked once per request
    and project: a list view would otherwise evaluate the policy for every
    server (a quarter of the API's time listing 1,000 servers)."""
    key = (rule, project_id)
    allowed = req.cached('policy', key)
    if allowed is None:
        allowed = req.context.can(rule, target={'project_id': project_id},
                                  fatal=False)
        req.cache('policy', key, allowed)
    return allowed

def _flavor(req, instance):
    flavor = _get(instance, 'flavor')
    if avr.is_supported(req, '2.47'):
        if flavor is None:
            return {}
        body = {'vcpus': flavor.vcpus, 'ram': flavor.memory_mb,
                'disk': flavor.root_gb, 'ephemeral': flavor.ephemeral_gb,
                'swap': flavor.swap, 'original_name': flavor.name}
        if _allowed(req, 'os_compute_api:os-flavor-extra-specs:index',
                    instance.project_id):
            body['extra_specs'] = dict(_get(flavor, 'extra_specs', {}))
        return body
    if flavor is None:
        return {}
    return {'id': flavor.flavorid,
            'links': [{'rel': 'bookmark',
                       'href': common.bookmark_link(req, 'flavors',
                                                    flavor.flavorid)}]}


def _fault(req, instance, status):
    if status not in _FAULT_STATUSES:
        return None
    fault = _get(instance, 'fault')
    if fault is None:
        return None
    body = {'code': fault.code, 'created': _isotime(fault.created_at),
            'message': fault.message}
    # Tracebacks of internal errors are for admins only.
    if _get(fault, 'details') and (req.context.is_admin or fault.code != 500):
        body['details'] = fault.details
    return body


def _availability_zone(instance):
    """The requested zone; once on a host without one, the default zone
    (every host is in it unless aggregates say otherwise)."""
    zone = _get(instance, 'availability_zone')
    if zone:
        return zone
    return CONF.default_availability_zone if _get(instance, 'host') else ''


def basic(req, instance):
    return {'id': instance.uuid, 'name': _get(instance, 'display_name', ''),
            'links': common.resource_links(req, 'servers', instance.uuid)}


def _admin_attributes(req, instance):
    body = {
        'OS-EXT-SRV-ATTR:host': _get(instance, 'host'),
        'OS-EXT-SRV-ATTR:hypervisor_hostname': _get(instance, 'node'),
        'OS-EXT-SRV-ATTR:instance_name': (
            instance.name if instance.obj_attr_is_set('id') else ''),
    }
    if avr.is_supported(req, '2.3'):
        body.update({
            'OS-EXT-SRV-ATTR:reservation_id': _get(instance,
                                                   'reservation_id'),
            'OS-EXT-SRV-ATTR:launch_index': _get(instance, 'launch_index', 0),
            'OS-EXT-SRV-ATTR:hostname': _get(instance, 'hostname'),
            'OS-EXT-SRV-ATTR:kernel_id': _get(instance, 'kernel_id', ''),
            'OS-EXT-SRV-ATTR:ramdisk_id': _get(instance, 'ramdisk_id', ''),
            'OS-EXT-SRV-ATTR:root_device_name': _get(instance,
                                                     'root_device_name'),
            'OS-EXT-SRV-ATTR:user_data': _get(instance, 'user_data'),
        })
    return body


def show(req, instance, host_status=None):
    """The full server body (GET /servers/{id} and /servers/detail)."""
    status = common.status_from_state(_get(instance, 'vm_state'),
                                      _get(instance, 'task_state'))
    body = basic(req, instance)
    body.update({
        'status': status,
        'tenant_id': instance.project_id,
        'user_id': instance.user_id,
        'metadata': dict(_get(instance, 'metadata', {})),
        'hostId': host_id(instance),
        'image': _image(req, instance),
        'flavor': _flavor(req, instance),
        'created': _isotime(_get(instance, 'created_at')),
        'updated': _isotime(_get(instance, 'updated_at') or
                            _get(instance, 'created_at')),
        'addresses': addresses(instance),
        'accessIPv4': str(_get(instance, 'access_ip_v4', '')),
        'accessIPv6': str(_get(instance, 'access_ip_v6', '')),
        'OS-DCF:diskConfig': 'MANUAL',
        'key_name': _get(instance, 'key_name'),
        'config_drive': _get(instance, 'config_drive', ''),
        'OS-EXT-AZ:availability_zone': _availability_zone(instance),
        'OS-SRV-USG:launched_at': _usage_time(_get(instance, 'launched_at')),
        'OS-SRV-USG:terminated_at': _usage_time(
            _get(instance, 'terminated_at')),
        'OS-EXT-STS:task_state': _get(instance, 'task_state'),
        'OS-EXT-STS:vm_state': _get(instance, 'vm_state'),
        'OS-EXT-STS:power_state': _get(instance, 'power_state', 0),
        'os-extended-volumes:volumes_attached': [],
    })
    if status in _PROGRESS_STATUSES:
        body['progress'] = _get(instance, 'progress', 0)
    fault = _fault(req, instance, status)
    if fault is not None:
        body['fault'] = fault
    if _allowed(req, 'os_compute_api:os-extended-server-attributes',
                instance.project_id):
        body.update(_admin_attributes(req, instance))
    elif avr.is_supported(req, '2.90'):
        # 2.90: the hostname, which users may now set, is theirs to see.
        body['OS-EXT-SRV-ATTR:hostname'] = _get(instance, 'hostname')
    if avr.is_supported(req, '2.9'):
        body['locked'] = bool(_get(instance, 'locked', False))
    if avr.is_supported(req, '2.16') and host_status is not None:
        body['host_status'] = host_status
    if avr.is_supported(req, '2.19'):
        body['description'] = _get(instance, 'display_description')
    if avr.is_supported(req, '2.26'):
        body['tags'] = list(_get(instance, 'tags', []))
    if avr.is_supported(req, '2.73'):
        body['locked_reason'] = _get(instance, 'system_metadata', {}).get(
            'locked_reason')
    if avr.is_supported(req, '2.63'):
        certs = _get(instance, 'trusted_certs')
        body['trusted_image_certificates'] = \
            list(certs) if certs is not None else None
    return body


# Attributes of the full view that PUT /servers/{id} and the rebuild
# action leave out of their answer (with the OS-EXT-SRV-ATTR ones).
_DETAIL_ONLY = ('key_name', 'config_drive', 'OS-EXT-AZ:availability_zone',
                'OS-SRV-USG:launched_at', 'OS-SRV-USG:terminated_at',
                'OS-EXT-STS:task_state', 'OS-EXT-STS:vm_state',
                'OS-EXT-STS:power_state',
                'os-extended-volumes:volumes_attached', 'host_status')


def updated(req, instance, rebuild=False, host_status=None):
    """The server as PUT /servers/{id} (``rebuild=False``) or the
    rebuild action answer it: the full view without the detail-only
    attributes and with plain addresses. The rebuild answer carries
    ``key_name`` from 2.54 and ``user_data`` from 2.57; both carry
    ``trusted_image_certificates`` from 2.63. From 2.75 both are the
    full view of GET /servers/{id} (``host_status`` for those allowed),
    the rebuild answer with ``user_data`` instead of
    ``OS-EXT-SRV-ATTR:user_data``."""
    if avr.is_supported(req, '2.75'):
        body = show(req, instance, host_status)
        if rebuild:
            body.pop('OS-EXT-SRV-ATTR:user_data', None)
            body['user_data'] = _get(instance, 'user_data')
        return body
    body = {key: value for key, value in show(req, instance).items()
            if key not in _DETAIL_ONLY and
            not key.startswith('OS-EXT-SRV-ATTR:')}
    body['addresses'] = addresses(instance, extended=False)
    if rebuild and avr.is_supported(req, '2.54'):
        body['key_name'] = _get(instance, 'key_name')
    if rebuild and avr.is_supported(req, '2.57'):
        body['user_data'] = _get(instance, 'user_data')
    return body


def add_server_groups(req, body, instance_uuid):
    """2.71: ``server_groups``, the uuids of the groups the server is
    in (at most one), in the show, update and rebuild answers."""
    if not avr.is_supported(req, '2.71'):
        return body
    from nova import objects
    from nova.objects import instance_group
    try:
        group = objects.InstanceGroup.get_by_instance_uuid(req.context,
                                                           instance_uuid)
        body['server_groups'] = [group.uuid]
    except instance_group.InstanceGroupNotFound:
        body['server_groups'] = []
    return body


def index(req, instances, limit, detailed, host_statuses=None):
    """The list body; ``instances`` may hold the InstanceMapping of a
    server whose cell did not answer (2.69), shown partially."""
    from nova.api.openstack.compute import down_cells
    from nova.objects import instance_mapping
    host_statuses = host_statuses or {}
    bodies = []
    for i in instances:
        if isinstance(i, instance_mapping.InstanceMapping):
            bodies.append(down_cells.list_body(req, i, detailed))
        elif detailed:
            bodies.append(show(req, i, host_statuses.get(i.uuid)))
        else:
            bodies.append(basic(req, i))
    result = {'servers': bodies}
    links = common.next_link(req, 'servers/detail' if detailed else
                             'servers', bodies, limit)
    if links:
        result['servers_links'] = links
    return result
