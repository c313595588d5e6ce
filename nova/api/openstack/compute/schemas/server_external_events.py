"""Request schema of POST /os-server-external-events (up to 2.50:
volume-extended comes with 2.51 and power-update with 2.76)."""

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
