"""Request bodies of the remote consoles: ``POST
/servers/{server_id}/remote-consoles`` (2.6, 2.8 adds ``mks``/``webmks``)
and the legacy get-console server actions (2.1 - 2.5)."""

import copy

# Which console types each protocol has (the API checks the pair).
TYPES_OF_PROTOCOL = {
    'vnc': ('novnc', 'xvpvnc'),
    'spice': ('spice-html5',),
    'rdp': ('rdp-html5',),
    'serial': ('serial',),
    'mks': ('webmks',),
}

create_v26 = {
    'type': 'object',
    'properties': {
        'remote_console': {
            'type': 'object',
            'properties': {
                'protocol': {'type': 'string',
                             'enum': ['vnc', 'spice', 'rdp', 'serial']},
                'type': {'type': 'string',
                         'enum': ['novnc', 'xvpvnc', 'rdp-html5',
                                  'spice-html5', 'serial']},
            },
            'required': ['protocol', 'type'],
            'additionalProperties': False,
        },
    },
    'required': ['remote_console'],
    'additionalProperties': False,
}

create_v28 = copy.deepcopy(create_v26)
_console = create_v28['properties']['remote_console']['properties']
_console['protocol']['enum'].append('mks')
_console['type']['enum'].append('webmks')


def _legacy(action, types):
    return {
        'type': 'object',
        'properties': {action: {
            'type': 'object',
            'properties': {'type': {'type': 'string', 'enum': list(types)}},
            'required': ['type'],
            'additionalProperties': False,
        }},
        'required': [action],
        'additionalProperties': False,
    }


# {action: (protocol, body schema)}
LEGACY_ACTIONS = {
    'os-getVNCConsole': ('vnc', _legacy('os-getVNCConsole',
                                        TYPES_OF_PROTOCOL['vnc'])),
    'os-getSPICEConsole': ('spice', _legacy('os-getSPICEConsole',
                                            TYPES_OF_PROTOCOL['spice'])),
    'os-getSerialConsole': ('serial', _legacy('os-getSerialConsole',
                                              TYPES_OF_PROTOCOL['serial'])),
    'os-getRDPConsole': ('rdp', _legacy('os-getRDPConsole',
                                        TYPES_OF_PROTOCOL['rdp'])),
}
