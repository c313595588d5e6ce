"""Request schemas of /servers, per microversion."""

import copy

from nova.api.validation import parameter_types as types

_network = {
    'type': 'object',
    'properties': {
        'fixed_ip': {'type': 'string', 'oneOf': [{'format': 'ipv4'},
                                                 {'format': 'ipv6'}]},
        'port': {'oneOf': [{'type': 'string', 'format': 'uuid'},
                           {'type': 'null'}]},
        'uuid': {'type': 'string'},
    },
    'additionalProperties': False,
}

_bdm = {
    'type': 'object',
    'properties': {
        'source_type': {'type': 'string',
                        'enum': ['volume', 'image', 'snapshot', 'blank']},
        'destination_type': {'type': 'string', 'enum': ['local', 'volume']},
        'uuid': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'boot_index': {'type': ['integer', 'string', 'null'],
                       'pattern': '^-?[0-9]+$'},
        'volume_size': {'type': ['integer', 'string', 'null'],
                        'pattern': '^[0-9]+$'},
        'delete_on_termination': types.boolean,
        'device_name': {'type': ['string', 'null'], 'maxLength': 255},
        'device_type': {'type': ['string', 'null'], 'maxLength': 255},
        'disk_bus': {'type': ['string', 'null'], 'maxLength': 255},
        'guest_format': {'type': ['string', 'null'], 'maxLength': 255},
        'no_device': {},
    },
    'additionalProperties': False,
}

_server = {
    'type': 'object',
    'properties': {
        'name': types.name,
        'imageRef': {'type': 'string'},
        'flavorRef': types.flavor_ref,
        'adminPass': {'type': 'string'},
        'metadata': types.metadata,
        'networks': {'type': 'array', 'items': _network},
        'OS-DCF:diskConfig': {'type': 'string', 'enum': ['AUTO', 'MANUAL']},
        'accessIPv4': types.ipv4,
        'accessIPv6': types.ipv6,
        'availability_zone': {'type': 'string', 'minLength': 1,
                              'maxLength': 255},
        'key_name': types.name,
        'min_count': types.positive_integer,
        'max_count': types.positive_integer,
        'return_reservation_id': types.boolean,
        'user_data': {'type': 'string', 'format': 'base64',
                      'maxLength': 65535},
        'config_drive': types.boolean,
        'security_groups': {
            'type': 'array',
            'items': {'type': 'object',
                      'properties': {'name': {'type': 'string'}},
                      'additionalProperties': False}},
        'block_device_mapping_v2': {'type': 'array', 'items': _bdm},
        'personality': {
            'type': 'array',
            'items': {'type': 'object',
                      'properties': {'path': {'type': 'string'},
                                     'contents': {'type': 'string'}},
                      'additionalProperties': False}},
    },
    'required': ['name', 'flavorRef'],
    'additionalProperties': False,
}

create = {
    'type': 'object',
    'properties': {
        'server': _server,
        'os:scheduler_hints': {'type': 'object'},
        'OS-SCH-HNT:scheduler_hints': {'type': 'object'},
    },
    'required': ['server'],
    'additionalProperties': False,
}

create_v219 = copy.deepcopy(create)
create_v219['properties']['server']['properties']['description'] = \
    types.description

# 2.33 to 2.36 accept a network "tag"; 2.32 also a block device "tag".
create_v233 = copy.deepcopy(create_v219)
create_v233['properties']['server']['properties']['networks']['items'][
    'properties']['tag'] = types.tag
create_v232 = copy.deepcopy(create_v233)
create_v232['properties']['server']['properties'][
    'block_device_mapping_v2']['items']['properties']['tag'] = types.tag



def _networks_required(base, with_tag):
    """2.37: "networks" is required and may be "auto" or "none"."""
    schema = copy.deepcopy(base)
    item = copy.deepcopy(_network)
    if with_tag:
        item['properties']['tag'] = types.tag
    if with_tag:
        schema['properties']['server']['properties'][
            'block_device_mapping_v2']['items']['properties']['tag'] = \
            types.tag
    schema['properties']['server']['required'].append('networks')
    schema['properties']['server']['properties']['networks'] = {
        'oneOf': [{'type': 'array', 'items': item},
                  {'type': 'string', 'enum': ['none', 'auto']}]}
    return schema


# 2.37 to 2.41 accept no network "tag"; 2.42 restores it, as published.
create_v237 = _networks_required(create_v219, with_tag=False)
create_v242 = _networks_required(create_v219, with_tag=True)
# 2.52: a server may be created with its tags (at most 50).
create_v252 = copy.deepcopy(create_v242)
create_v252['properties']['server']['properties']['tags'] = {
    'type': 'array', 'items': types.tag, 'maxItems': 50}
# 2.57: no more personality (injected files); user_data is the way.
create_v257 = copy.deepcopy(create_v252)
del create_v257['properties']['server']['properties']['personality']
# 2.63: the certificates trusted to sign the image.
create_v263 = copy.deepcopy(create_v257)
create_v263['properties']['server']['properties'][
    'trusted_image_certificates'] = types.trusted_certs
# 2.67: the type of a volume a block device mapping creates.
create_v267 = copy.deepcopy(create_v263)
create_v267['properties']['server']['properties'][
    'block_device_mapping_v2']['items']['properties']['volume_type'] = {
    'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255}
# 2.74: the host and/or node to boot on (admins); the scheduler checks it.
create_v274 = copy.deepcopy(create_v267)
create_v274['properties']['server']['properties'].update({
    name: {'type': 'string', 'minLength': 1, 'maxLength': 255,
           'pattern': '^[a-zA-Z0-9-._]*$'}
    for name in ('host', 'hypervisor_hostname')})

# 2.90: the hostname a user gives a server (at create, update and
# rebuild), one DNS label (RFC 1123): letters, digits and '-', neither
# first nor last, 2 to 63 characters.
hostname = {'type': 'string', 'minLength': 2, 'maxLength': 63,
            'pattern': '^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$'}

create_v290 = copy.deepcopy(create_v274)
create_v290['properties']['server']['properties']['hostname'] = hostname

update = {
    'type': 'object',
    'properties': {
        'server': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'accessIPv4': types.ipv4,
                'accessIPv6': types.ipv6,
                'OS-DCF:diskConfig': {'type': 'string',
                                      'enum': ['AUTO', 'MANUAL']},
            },
            'additionalProperties': False,
        },
    },
    'required': ['server'],
    'additionalProperties': False,
}

update_v219 = copy.deepcopy(update)
update_v219['properties']['server']['properties']['description'] = \
    types.description

update_v290 = copy.deepcopy(update_v219)
update_v290['properties']['server']['properties']['hostname'] = hostname

_sort_keys = ['access_ip_v4', 'access_ip_v6',
              'availability_zone', 'config_drive', 'created_at',
              'display_description', 'display_name', 'host', 'hostname',
              'image_ref', 'instance_type_id', 'kernel_id', 'key_name',
              'launch_index', 'launched_at', 'locked', 'locked_by', 'node',
              'power_state', 'progress', 'project_id', 'ramdisk_id',
              'root_device_name', 'task_state', 'terminated_at',
              'updated_at', 'user_id', 'uuid', 'vm_state']

index_query = {
    'type': 'object',
    'properties': {
        'limit': types.query_limit,
        'marker': types.query_marker,
        'sort_key': types.multi({'type': 'string', 'enum': _sort_keys}),
        'sort_dir': types.multi({'type': 'string',
                                 'enum': ['asc', 'desc']}),
        'all_tenants': types.single({'type': 'string'}),
        'changes-since': types.single({'type': 'string',
                                       'format': 'date-time'}),
        'deleted': types.single({'type': 'string'}),
        'name': types.single({'type': 'string'}),
        'status': types.multi({'type': 'string'}),
        'image': types.single({'type': 'string'}),
        'flavor': types.single({'type': 'string'}),
        'host': types.single({'type': 'string'}),
        'node': types.single({'type': 'string'}),
        'ip': types.single({'type': 'string'}),
        'ip6': types.single({'type': 'string'}),
        'project_id': types.single({'type': 'string'}),
        'tenant_id': types.single({'type': 'string'}),
        'user_id': types.single({'type': 'string'}),
        'reservation_id': types.single({'type': 'string'}),
        'availability_zone': types.single({'type': 'string'}),
        'uuid': types.single({'type': 'string'}),
        'key_name': types.single({'type': 'string'}),
        'locked_by': types.single({'type': 'string'}),
        'power_state': types.single({'type': 'string'}),
        'task_state': types.single({'type': 'string'}),
        'vm_state': types.single({'type': 'string'}),
        'hostname': types.single({'type': 'string'}),
        'description': types.single({'type': 'string'}),
    },
    # Unknown filters are ignored before 2.75, as the API documents.
    'additionalProperties': True,
}

index_query_v226 = copy.deepcopy(index_query)
index_query_v226['properties'].update({
    'tags': types.single({'type': 'string'}),
    'tags-any': types.single({'type': 'string'}),
    'not-tags': types.single({'type': 'string'}),
    'not-tags-any': types.single({'type': 'string'}),
})

# 2.66: servers changed at or before a time (deleted ones too).
index_query_v266 = copy.deepcopy(index_query_v226)
index_query_v266['properties']['changes-before'] = types.single(
    {'type': 'string', 'format': 'date-time'})

# 2.73: locked or unlocked servers only.
index_query_v273 = copy.deepcopy(index_query_v266)
index_query_v273['properties']['locked'] = types.single({'type': 'string'})


# 2.75: unknown query parameters are 400 instead of ignored. These are the
# parameters the Compute API knows (some only filter for admins, others
# are accepted and ignored as before).
index_query_v275 = copy.deepcopy(index_query_v273)
index_query_v275['properties'].update({
    name: types.single({'type': 'string'}) for name in (
        'launch_index', 'image_ref', 'kernel_id', 'ramdisk_id',
        'display_name', 'display_description', 'root_device_name',
        'config_drive', 'access_ip_v4', 'access_ip_v6', 'auto_disk_config',
        'progress', 'soft_deleted', 'launched_at', 'terminated_at',
        'created_at')})
index_query_v275['additionalProperties'] = False
