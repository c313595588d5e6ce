"""Draft-4 JSON-Schema (what ``nova.api.validation`` checks) as JSON
Schema 2020-12 (the dialect of OpenAPI 3.1).

Only the keywords whose meaning changed are rewritten; everything else is
copied. The walk knows which keywords hold subschemas, so a *property*
named ``id`` or ``items`` is never mistaken for a keyword.
"""

import copy

# Keywords whose value is a map of name -> subschema.
_SCHEMA_MAPS = ('properties', 'patternProperties', 'definitions', '$defs')
# Keywords whose value is one subschema.
_SCHEMA_ONE = ('additionalProperties', 'not', 'propertyNames', 'contains',
               'if', 'then', 'else')
# Keywords whose value is a list of subschemas.
_SCHEMA_LIST = ('allOf', 'anyOf', 'oneOf')


def to_2020_12(schema):
    """A converted deep copy of a draft-4 schema (booleans pass as is)."""
    if not isinstance(schema, dict):
        return copy.deepcopy(schema)
    out = {}
    for key, value in schema.items():
        if key == '$schema':
            continue  # the document declares the dialect once
        if key == 'id' and isinstance(value, str):
            out['$id'] = value
        elif key in _SCHEMA_MAPS:
            out['$defs' if key == 'definitions' else key] = {
                name: to_2020_12(sub) for name, sub in value.items()}
        elif key in _SCHEMA_ONE:
            out[key] = to_2020_12(value)
        elif key in _SCHEMA_LIST:
            out[key] = [to_2020_12(sub) for sub in value]
        elif key == 'items':
            if isinstance(value, list):
                # Draft-4 tuple form: prefixItems, and additionalItems
                # becomes items.
                out['prefixItems'] = [to_2020_12(sub) for sub in value]
                if 'additionalItems' in schema:
                    out['items'] = to_2020_12(schema['additionalItems'])
            else:
                out['items'] = to_2020_12(value)
        elif key == 'additionalItems':
            continue  # handled with a tuple ``items``; ignored otherwise
        elif key == 'dependencies':
            for name, dep in value.items():
                if isinstance(dep, list):
                    out.setdefault('dependentRequired', {})[name] = list(dep)
                else:
                    out.setdefault('dependentSchemas', {})[name] = \
                        to_2020_12(dep)
        elif key in ('exclusiveMinimum', 'exclusiveMaximum') and \
                isinstance(value, bool):
            continue  # folded into minimum/maximum below
        else:
            out[key] = copy.deepcopy(value)
    for bound, flag in (('minimum', 'exclusiveMinimum'),
                        ('maximum', 'exclusiveMaximum')):
        if schema.get(flag) is True and bound in schema:
            out[flag] = out.pop(bound)
    if isinstance(out.get('$ref'), str) and \
            out['$ref'].startswith('#/definitions/'):
        out['$ref'] = '#/$defs/' + out['$ref'][len('#/definitions/'):]
    return out
