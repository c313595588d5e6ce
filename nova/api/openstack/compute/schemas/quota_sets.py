"""Request schemas of /os-quota-sets and /os-quota-class-sets."""

import copy

from nova import quota
from nova.api.validation import parameter_types as types

_limit = {'type': ['integer', 'string'], 'pattern': '^-?[0-9]+$',
          'minimum': -1, 'maximum': 0x7FFFFFFF}


def _body(wrapper, resources, extra=None):
    props = {res: copy.deepcopy(_limit) for res in resources}
    props.update(extra or {})
    return {
        'type': 'object',
        'properties': {
            wrapper: {'type': 'object', 'properties': props,
                      'additionalProperties': False},
        },
        'required': [wrapper],
        'additionalProperties': False,
    }


_force = {'force': types.boolean}
update = _body('quota_set', quota.ALL_RESOURCES, _force)
# 2.36 dropped the network resources (they belong to the network service).
update_v236 = _body('quota_set', quota.RESOURCES, _force)
update_class = _body('quota_class_set', quota.ALL_RESOURCES)

query = {
    'type': 'object',
    'properties': {'user_id': types.single({'type': 'string',
                                            'minLength': 1})},
    'additionalProperties': True,
}
