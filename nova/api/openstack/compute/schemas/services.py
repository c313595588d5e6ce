"""Request schemas of /os-services: before microversion 2.53 the body
names the service; from 2.53 the URL does and the body says what
changes."""

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

service_update_v253 = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string', 'enum': ['enabled', 'disabled']},
        'disabled_reason': disable_log_reason['properties'][
            'disabled_reason'],
        'forced_down': types.boolean,
    },
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
