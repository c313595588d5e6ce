"""Request schemas of POST /os-server-external-events: 2.51 adds the
``volume-extended`` event (``power-update`` comes with 2.76)."""

import copy

create = {
    'type': 'object',
    'properties': {
        'events': {
            'type': 'array', 'minItems': 1,
            'items': {
                'type': 'object',
                'properties': {
                    'server_uuid': {'type': 'string', 'format': 'uuid'},
                    'name': {'type': 'string',
                             'enum': ['network-changed',
                                      'network-vif-plugged',
                                      'network-vif-unplugged',
                                      'network-vif-deleted']},
                    'status': {'type': 'string',
                               'enum': ['failed', 'completed',
                                        'in-progress']},
                    'tag': {'type': 'string', 'maxLength': 255},
                },
                'required': ['server_uuid', 'name'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['events'],
    'additionalProperties': False,
}

create_v251 = copy.deepcopy(create)
create_v251['properties']['events']['items']['properties']['name'][
    'enum'].append('volume-extended')
