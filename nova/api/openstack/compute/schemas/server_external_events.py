"""Request schemas of POST /os-server-external-events: 2.51 adds the
``volume-extended`` event, 2.76 ``power-update``, 2.82
``accelerator-request-bound``."""

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

create_v276 = copy.deepcopy(create_v251)
create_v276['properties']['events']['items']['properties']['name'][
    'enum'].append('power-update')

create_v282 = copy.deepcopy(create_v276)
create_v282['properties']['events']['items']['properties']['name'][
    'enum'].append('accelerator-request-bound')
