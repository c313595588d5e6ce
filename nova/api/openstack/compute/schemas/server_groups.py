"""Request schemas of /os-server-groups."""

import copy

from nova.api.validation import parameter_types as types

_POLICIES_V21 = ['anti-affinity', 'affinity']
_POLICIES_V215 = _POLICIES_V21 + ['soft-anti-affinity', 'soft-affinity']


def _create(policies):
    return {
        'type': 'object',
        'properties': {
            'server_group': {
                'type': 'object',
                'properties': {
                    'name': copy.deepcopy(types.name),
                    # One policy, sent as a one-item list before 2.64.
                    'policies': {
                        'type': 'array',
                        'items': {'type': 'string', 'enum': policies},
                        'minItems': 1, 'maxItems': 1,
                    },
                },
                'required': ['name', 'policies'],
                'additionalProperties': False,
            },
        },
        'required': ['server_group'],
        'additionalProperties': False,
    }


create = _create(_POLICIES_V21)
create_v215 = _create(_POLICIES_V215)

# 2.64: one ``policy`` (a string) and its ``rules``.
create_v264 = {
    'type': 'object',
    'properties': {
        'server_group': {
            'type': 'object',
            'properties': {
                'name': copy.deepcopy(types.name),
                'policy': {'type': 'string', 'enum': _POLICIES_V215},
                'rules': {
                    'type': 'object',
                    'properties': {'max_server_per_host':
                                   copy.deepcopy(types.positive_integer)},
                    'additionalProperties': False,
                },
            },
            'required': ['name', 'policy'],
            'additionalProperties': False,
        },
    },
    'required': ['server_group'],
    'additionalProperties': False,
}

index_query = {
    'type': 'object',
    'properties': {
        'all_projects': types.query_any,
        'limit': types.single({'type': 'string', 'pattern': '^[0-9]+$'}),
        'offset': types.single({'type': 'string', 'pattern': '^[0-9]+$'}),
    },
    # Unknown parameters were ignored before 2.75.
    'additionalProperties': True,
}
