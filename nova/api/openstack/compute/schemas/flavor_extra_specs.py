"""Request bodies of /flavors/{flavor_id}/os-extra_specs."""

_KEY_PATTERN = r'^[a-zA-Z0-9-_:. ]{1,255}$'

_value = {
    'type': ['string', 'number', 'boolean'],
    'minLength': 0, 'maxLength': 255,
}

_specs = {
    'type': 'object',
    'patternProperties': {_KEY_PATTERN: _value},
    'additionalProperties': False,
}

create = {
    'type': 'object',
    'properties': {'extra_specs': {**_specs, 'minProperties': 1}},
    'required': ['extra_specs'],
    'additionalProperties': False,
}

# PUT /os-extra_specs/{key} takes exactly the one key it names.
update = {**_specs, 'minProperties': 1, 'maxProperties': 1}
