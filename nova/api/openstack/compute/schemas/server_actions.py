"""Request bodies of ``POST /servers/{id}/action``, one per action."""

_NO_ARGS = {'oneOf': [{'type': 'null'},
                      {'type': 'object', 'properties': {},
                       'additionalProperties': False}]}


def _action(name, args):
    return {'type': 'object', 'properties': {name: args},
            'required': [name], 'additionalProperties': False}


reboot = _action('reboot', {
    'type': 'object',
    'properties': {'type': {'type': 'string',
                            'enum': ['HARD', 'Hard', 'hard',
                                     'SOFT', 'Soft', 'soft']}},
    'required': ['type'],
    'additionalProperties': False,
})

reset_state = _action('os-resetState', {
    'type': 'object',
    'properties': {'state': {'type': 'string', 'enum': ['active', 'error']}},
    'required': ['state'],
    'additionalProperties': False,
})

change_password = _action('changePassword', {
    'type': 'object',
    'properties': {'adminPass': {'type': 'string', 'minLength': 1,
                                 'maxLength': 255}},
    'required': ['adminPass'],
    'additionalProperties': False,
})

console_output = _action('os-getConsoleOutput', {
    'type': 'object',
    'properties': {'length': {
        'type': ['integer', 'string', 'null'],
        'pattern': '^-?[0-9]+$',
        # -1 (or no length) is the whole log.
        'minimum': -1,
    }},
    'additionalProperties': False,
})


def no_args(name):
    """The body of an action that takes nothing: {"<name>": null}."""
    return _action(name, _NO_ARGS)
