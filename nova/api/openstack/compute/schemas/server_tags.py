"""Request bodies of /servers/{id}/tags (2.26)."""

from nova.api.validation import parameter_types as types

MAX_TAGS = 50

update_all = {
    'type': 'object',
    'properties': {'tags': {'type': 'array', 'items': types.tag,
                            'maxItems': MAX_TAGS}},
    'required': ['tags'],
    'additionalProperties': False,
}
