"""Request schemas of /flavors."""

import copy

from nova.api.validation import parameter_types as types

_id = {
    'type': ['string', 'number', 'null'], 'minLength': 1, 'maxLength': 255,
    'pattern': r'^(?! )[a-zA-Z0-9. _-]+(?<! )$',
}

_integer = {'type': ['integer', 'string'], 'pattern': '^[0-9]+$'}


def _bounded(minimum):
    schema = copy.deepcopy(_integer)
    schema['minimum'] = minimum
    schema['maximum'] = 2147483647
    return schema


create = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {
                'name': types.name,
                'id': _id,
                'ram': _bounded(1),
                'vcpus': _bounded(1),
                'disk': _bounded(0),
                'OS-FLV-EXT-DATA:ephemeral': _bounded(0),
                'swap': _bounded(0),
                'rxtx_factor': {'type': ['number', 'string'],
                                'pattern': r'^[0-9]+(\.[0-9]+)?$',
                                'minimum': 0, 'exclusiveMinimum': True,
                                'maximum': 3.40282e+38},
                'os-flavor-access:is_public': types.boolean,
            },
            'required': ['name', 'ram', 'vcpus', 'disk'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

# 2.55: a flavor has a description, given at create and changed by
# PUT /flavors/{flavor_id} (the only thing it changes).
_description = copy.deepcopy(types.description)
_description['maxLength'] = 65535

create_v255 = copy.deepcopy(create)
create_v255['properties']['flavor']['properties']['description'] = \
    _description

update_v255 = {
    'type': 'object',
    'properties': {
        'flavor': {
            'type': 'object',
            'properties': {'description': _description},
            'required': ['description'],
            'additionalProperties': False,
        },
    },
    'required': ['flavor'],
    'additionalProperties': False,
}

index_query = {
    'type': 'object',
    'properties': {
        'limit': types.query_limit,
        'marker': types.query_marker,
        'is_public': types.single({'type': 'string'}),
        'minRam': types.single({'type': 'string', 'pattern': '^[0-9]+$'}),
        'minDisk': types.single({'type': 'string', 'pattern': '^[0-9]+$'}),
        'sort_key': types.single({'type': 'string', 'enum': [
            'created_at', 'description', 'disabled', 'ephemeral_gb',
            'flavorid', 'id', 'is_public', 'memory_mb', 'name',
            'root_gb', 'rxtx_factor', 'swap', 'updated_at', 'vcpu_weight',
            'vcpus']}),
        'sort_dir': types.single({'type': 'string',
                                  'enum': ['asc', 'desc']}),
    },
    'additionalProperties': True,
}
