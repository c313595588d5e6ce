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
# 2.50 drops the network resources from quota classes too.
update_class_v250 = _body('quota_class_set', quota.RESOURCES)
# 2.57 drops the injected file (personality) resources from both.
_V257 = [res for res in quota.RESOURCES if not res.startswith('injected_')]
update_v257 = _body('quota_set', _V257, _force)
update_class_v257 = _body('quota_class_set', _V257)

query = {
    'type': 'object',
    'properties': {'user_id': types.single({'type': 'string',
                                            'minLength': 1})},
    'additionalProperties': True,
}
