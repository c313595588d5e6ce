"""Request schemas of /os-aggregates."""

import copy

from nova.api.validation import parameter_types as types

# A zone name may not hold ':' (it separates zone:host:node when booting).
az_name = {'type': 'string', 'minLength': 1, 'maxLength': 255,
           'pattern': r'^(?!\s)[^:\x00-\x1f\x7f]*(?<!\s)$'}
az_name_or_null = {'oneOf': [az_name, {'type': 'null'}]}

_name = copy.deepcopy(types.name_with_leading_trailing_spaces)

create = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {'name': _name,
                           'availability_zone': az_name_or_null},
            'required': ['name'],
            'additionalProperties': False,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}

update = {
    'type': 'object',
    'properties': {
        'aggregate': {
            'type': 'object',
            'properties': {'name': _name,
                           'availability_zone': az_name_or_null},
            'additionalProperties': False,
            'minProperties': 1,
        },
    },
    'required': ['aggregate'],
    'additionalProperties': False,
}

_host_body = {
    'type': 'object',
    'properties': {'host': {'type': 'string', 'minLength': 1,
                            'maxLength': 255}},
    'required': ['host'],
    'additionalProperties': False,
}

add_host = {
    'type': 'object',
    'properties': {'add_host': _host_body},
    'required': ['add_host'],
    'additionalProperties': False,
}

remove_host = {
    'type': 'object',
    'properties': {'remove_host': _host_body},
    'required': ['remove_host'],
    'additionalProperties': False,
}

set_metadata = {
    'type': 'object',
    'properties': {
        'set_metadata': {
            'type': 'object',
            'properties': {
                'metadata': {
                    'type': 'object',
                    'patternProperties': {
                        r'^[a-zA-Z0-9-_:. ]{1,255}$': {
                            'type': ['string', 'null'], 'maxLength': 255},
                    },
                    'additionalProperties': False,
                },
            },
            'required': ['metadata'],
            'additionalProperties': False,
        },
    },
    'required': ['set_metadata'],
    'additionalProperties': False,
}


# 2.81: images to cache on the hosts of an aggregate.
images = {
    'type': 'object',
    'properties': {
        'cache': {
            'type': 'array', 'minItems': 1,
            'items': {
                'type': 'object',
                'properties': {'id': {'type': 'string', 'format': 'uuid'}},
                'required': ['id'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['cache'],
    'additionalProperties': False,
}
