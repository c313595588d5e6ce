"""Reusable pieces of JSON-Schema for request bodies and query strings."""

import copy

# Printable characters without leading/trailing whitespace, as names
# shown in lists need to be.
name = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': r'^(?!\s)[^\x00-\x1f\x7f]*(?<!\s)$',
}

name_with_leading_trailing_spaces = {
    'type': 'string', 'minLength': 1, 'maxLength': 255,
    'pattern': r'^[^\x00-\x1f\x7f]*$',
}

description = {
    'type': ['string', 'null'], 'minLength': 0, 'maxLength': 255,
    'pattern': r'^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$',
}

boolean = {
    'type': ['boolean', 'string'],
    'enum': [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on',
             'YES', 'Yes', 'yes',
             False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off',
             'NO', 'No', 'no'],
}

positive_integer = {
    'type': ['integer', 'string'], 'pattern': '^[0-9]*$', 'minimum': 1,
    'minLength': 1,
}

non_negative_integer = {
    'type': ['integer', 'string'], 'pattern': '^[0-9]*$', 'minimum': 0,
    'minLength': 1,
}

uuid = {'type': 'string', 'format': 'uuid'}

image_id = {'type': 'string', 'format': 'uuid'}

image_id_or_empty_string = {
    'oneOf': [{'type': 'string', 'format': 'uuid'},
              {'type': 'string', 'maxLength': 0}],
}

flavor_ref = {'type': ['string', 'integer'], 'minLength': 1}

metadata = {
    'type': 'object',
    'patternProperties': {
        '^[a-zA-Z0-9-_:. ]{1,255}$': {'type': 'string', 'maxLength': 255},
    },
    'additionalProperties': False,
}

ipv4 = {'type': 'string', 'format': 'ipv4'}
ipv6 = {'type': 'string', 'format': 'ipv6'}

tag = {'type': 'string', 'minLength': 1, 'maxLength': 60,
       'pattern': '^[^,/]*$'}

# 2.63: IDs of the certificates trusted to sign a server's image; null
# lets the configured defaults apply.
trusted_certs = {
    'type': ['array', 'null'], 'minItems': 1, 'maxItems': 50,
    'uniqueItems': True,
    'items': {'type': 'string', 'minLength': 1, 'maxLength': 255},
}


def single(param):
    """A query parameter given once (the query arrives as lists)."""
    return {'type': 'array', 'items': copy.deepcopy(param), 'maxItems': 1}


def multi(param):
    """A query parameter that may repeat."""
    return {'type': 'array', 'items': copy.deepcopy(param)}


query_any = multi({'type': 'string'})

query_limit = single({'type': 'string', 'pattern': '^[0-9]+$'})

query_marker = single({'type': 'string'})

query_boolean = single({'type': 'string',
                        'enum': [v for v in boolean['enum']
                                 if isinstance(v, str)]})
