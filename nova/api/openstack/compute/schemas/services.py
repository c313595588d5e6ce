"""Request schemas of /os-services (before microversion 2.53)."""

from nova.api.validation import parameter_types as types

_host = {'type': 'string', 'minLength': 1, 'maxLength': 255}
_binary = {'type': 'string', 'minLength': 1, 'maxLength': 255}

service_update = {
    'type': 'object',
    'properties': {'host': _host, 'binary': _binary},
    'required': ['host', 'binary'],
    'additionalProperties': False,
}

disable_log_reason = {
    'type': 'object',
    'properties': {
        'host': _host, 'binary': _binary,
        'disabled_reason': {'type': 'string', 'minLength': 1,
                            'maxLength': 255,
                            'pattern': r'^[^\x00-\x1f\x7f]*$'},
    },
    'required': ['host', 'binary', 'disabled_reason'],
    'additionalProperties': False,
}

force_down = {
    'type': 'object',
    'properties': {'host': _host, 'binary': _binary,
                   'forced_down': types.boolean},
    'required': ['host', 'binary', 'forced_down'],
    'additionalProperties': False,
}

index_query = {
    'type': 'object',
    'properties': {
        'host': types.single({'type': 'string'}),
        'binary': types.single({'type': 'string'}),
    },
    'additionalProperties': True,
}
