"""Query schemas of /os-simple-tenant-usage."""

import copy

from nova.api.validation import parameter_types as types

_time = types.single({'type': 'string'})

index_query = {
    'type': 'object',
    'properties': {
        'start': _time,
        'end': _time,
        'detailed': types.single({'type': 'string'}),
    },
    # Unknown parameters are ignored, as they always were.
    'additionalProperties': True,
}

index_query_v240 = copy.deepcopy(index_query)
index_query_v240['properties'].update({
    'limit': types.query_limit,
    'marker': types.query_marker,
})

show_query = {
    'type': 'object',
    'properties': {'start': _time, 'end': _time},
    'additionalProperties': True,
}

show_query_v240 = copy.deepcopy(show_query)
show_query_v240['properties'].update({
    'limit': types.query_limit,
    'marker': types.query_marker,
})
