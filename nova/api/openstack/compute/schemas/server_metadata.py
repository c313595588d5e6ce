"""Request bodies of /servers/{id}/metadata."""

import copy

from nova.api.validation import parameter_types as types

_metadata = copy.deepcopy(types.metadata)

metadata = {
    'type': 'object',
    'properties': {'metadata': _metadata},
    'required': ['metadata'],
    'additionalProperties': False,
}

# PUT /metadata/{key}: exactly one item, whose key is the URL's.
one_item = {
    'type': 'object',
    'properties': {'meta': dict(_metadata, minProperties=1,
                                maxProperties=1)},
    'required': ['meta'],
    'additionalProperties': False,
}
