"""The OpenAPI 3.1 document, assembled from the probed operations.

See the package docstring for the conventions (``x-openstack-*``).
"""

import json
import re

from nova.api import wsgi
from nova.api.openapi import convert, introspect
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import faults

OPENAPI_VERSION = '3.1.0'
DIALECT = 'https://spec.openapis.org/oas/3.1/dialect/base'
_REF = '#/components/{}/{}'
# Answered by the API layer to any operation (auth, policy, unknown id or
# a method outside its microversions, a version out of range).
_ALWAYS = (401, 403, 404, 406)
_NO_RESPONSE_SCHEMA = (
    'The body is JSON. This project publishes no response schema: see '
    'the API reference (api-ref/source) for its fields per microversion.')


def _ref(kind, name):
    return {'$ref': _REF.format(kind, name)}


def _canonical(value):
    return json.dumps(value, sort_keys=True)


class _Schemas:
    """components/schemas: each distinct converted schema once, named
    after the first operation (and version) that uses it."""

    def __init__(self):
        self.by_key = {}
        self.schemas = {}

    def ref(self, schema, hint):
        converted = convert.to_2020_12(schema)
        key = _canonical(converted)
        name = self.by_key.get(key)
        if name is None:
            name = re.sub(r'[^A-Za-z0-9._-]+', '_', hint)
            while name in self.schemas:
                name += '_'
            self.by_key[key] = name
            self.schemas[name] = converted
        return _ref('schemas', name)


def ranges(values, all_versions):
    """[(min, max, value)] over consecutive versions of equal value;
    versions absent from ``values`` are gaps."""
    out = []
    for version in all_versions:
        if version not in values:
            continue
        value = values[version]
        if out and out[-1][3] == _previous(version, all_versions) and \
                _canonical(out[-1][2]) == _canonical(value):
            out[-1][1] = version
            out[-1][3] = version
            continue
        out.append([version, version, value, version])
    return [(lo, hi, value) for lo, hi, value, _last in out]


def _previous(version, all_versions):
    index = all_versions.index(version)
    return all_versions[index - 1] if index else None


def operation_id(op):
    slug = re.sub(r'[^A-Za-z0-9]+', '_', op.path).strip('_') or 'root'
    return f'{op.method.lower()}_{slug}'


def _tag(op):
    first = op.path.strip('/').split('/')[0]
    return first or 'versions'


def _summary(op):
    doc = (introspect.inspect.unwrap(op.handler).__doc__ or '').strip()
    if doc:
        return doc.splitlines()[0].strip()
    return f'{type(op.controller).__name__}.{op.action}'


def _version_range(lo, hi):
    return {'min': lo, 'max': hi}


def _availability(op, all_versions):
    spans = ranges({v: True for v in op.available}, all_versions)
    if not spans:
        return None
    if len(spans) == 1:
        return _version_range(spans[0][0], spans[0][1])
    return [_version_range(lo, hi) for lo, hi, _ in spans]


def _body_value(op, version, schemas, opid):
    found = op.bodies.get(version)
    if not found:
        return None
    if found[0][0] is None:
        return schemas.ref(found[0][1], f'{opid}.body.{version}')
    refs = []
    for name, schema in found:
        ref = schemas.ref(schema, f'{opid}.{name}.{version}')
        if ref not in refs:
            refs.append(ref)
    if len(refs) == 1:
        return refs[0]
    # Several actions share a body when the path names the action
    # (PUT /os-services/{id}): their schemas overlap, so anyOf.
    return {'anyOf' if op.action_param else 'oneOf': refs}


def _query_parameters(schema):
    """One parameter per declared property of a (converted) query schema.
    Values arrive as lists: ``single()`` properties are one value,
    others may repeat (``?a=1&a=2``)."""
    params = []
    required = set(schema.get('required', ()))
    for name, prop in schema.get('properties', {}).items():
        single = prop.get('type') == 'array' and prop.get('maxItems') == 1
        param = {'name': name, 'in': 'query',
                 'required': name in required,
                 'schema': prop.get('items', {}) if single else prop}
        if not single:
            param.update(style='form', explode=True)
        params.append(param)
    return params


def _responses(op, components_used):
    responses = {}
    if not op.available:
        components_used.add(404)
        return {'404': _ref('responses', 'error404')}
    if op.fixed_error:
        components_used.add(op.fixed_error)
        return {str(op.fixed_error): _ref('responses',
                                          f'error{op.fixed_error}')}
    success, raised = introspect.source_codes(op)
    for code in success:
        responses[str(code)] = _ref('responses', f'success{code}')
        components_used.add(code)
    errors = set(raised) | set(_ALWAYS)
    if op.path == '/':
        errors -= {401, 403}
    if op.takes_body or op.queries or op.params:
        errors.add(400)
    for code in sorted(errors):
        responses[str(code)] = _ref('responses', f'error{code}')
        components_used.add(code)
    responses['default'] = _ref('responses', 'error')
    return responses


def _operation(op, schemas, all_versions, used):
    opid = operation_id(op)
    doc = {
        'operationId': opid,
        'tags': [_tag(op)],
        'summary': _summary(op),
        'x-openstack-handler': op.handler_name,
        'x-openstack-microversion': _availability(op, all_versions),
        'parameters': [_ref('parameters', 'OpenStack-API-Version'),
                       _ref('parameters', 'X-OpenStack-Nova-API-Version')],
    }
    if op.path == '/' and op.method == 'GET':
        # middleware.VersionDocBypass: the version document needs no token.
        doc['security'] = []
    newest = op.available[-1] if op.available else None
    if op.fixed_error == 410 or (newest and newest != avr.MAX_VERSION) or \
            not op.available:
        doc['deprecated'] = True
    if not op.available:
        doc['description'] = ('Routed, but served at no microversion this '
                              'build supports: it answers 404.')
    bodies = {v: _body_value(op, v, schemas, opid) for v in op.bodies}
    queries = {v: schemas.ref(s, f'{opid}.query.{v}')
               for v, s in op.queries.items()}
    if queries.get(newest):
        query_schema = schemas.schemas[queries[newest]['$ref'].rsplit(
            '/', 1)[1]]
        doc['parameters'] += _query_parameters(query_schema)
        if query_schema.get('additionalProperties') is False:
            doc['description'] = (doc.get('description', '') +
                                  ' Query parameters not listed here are '
                                  'refused (400).').strip()
    if op.takes_body and op.fixed_error is None:
        body = bodies.get(newest)
        doc['requestBody'] = {'required': True, 'content': {
            'application/json': {'schema': body if body else {}}}}
        if not body:
            doc['requestBody']['description'] = (
                'Any JSON: no schema is checked before the handler.')
    if bodies or queries:
        pairs = {v: {'body': bodies.get(v), 'query': queries.get(v)}
                 for v in op.available}
        entries = []
        for lo, hi, value in ranges(pairs, all_versions):
            entry = _version_range(lo, hi)
            entry.update({k: s for k, s in value.items() if s})
            entries.append(entry)
        doc['x-openstack-microversions'] = entries
    if any(name for found in op.bodies.values() for name, _ in found):
        doc['x-openstack-actions'] = _actions(op, schemas, opid,
                                              all_versions)
    doc['responses'] = _responses(op, used)
    return doc


def _actions(op, schemas, opid, all_versions):
    names = []
    for found in op.bodies.values():
        names += [name for name, _ in found if name not in names]
    out = []
    for name in names:
        per_version = {}
        for version, found in op.bodies.items():
            for one, schema in found:
                if one == name:
                    per_version[version] = schemas.ref(
                        schema, f'{opid}.{name}.{version}')
        entry = {'name': name}
        if op.action_param:
            entry['in'] = op.action_param
        if name in op.action_status:
            entry['status'] = op.action_status[name]
        entry['microversions'] = [
            {'min': lo, 'max': hi, 'body': ref}
            for lo, hi, ref in ranges(per_version, all_versions)]
        out.append(entry)
    return out


def _path_parameters(op):
    return [{'name': name, 'in': 'path', 'required': True,
             'schema': {'type': 'string'}} for name in op.params]


def _components(schemas, used):
    fault = {
        'type': 'object',
        'required': ['code', 'message'],
        'properties': {'code': {'type': 'integer'},
                       'message': {'type': 'string'}},
    }
    all_schemas = {'Fault': fault}
    all_schemas.update(schemas.schemas)
    headers = {
        wsgi.API_VERSION_HEADER: {
            'description': 'The microversion that answered, as '
                           '"compute X.Y".',
            'schema': {'type': 'string'}},
        wsgi.LEGACY_VERSION_HEADER: {
            'description': 'The microversion that answered, as "X.Y".',
            'schema': {'type': 'string'}},
        'Vary': {'schema': {'type': 'string'}},
        'x-openstack-request-id': {'schema': {'type': 'string'}},
        'x-compute-request-id': {'schema': {'type': 'string'}},
    }
    version_headers = {name: _ref('headers', name) for name in headers}
    id_headers = {name: _ref('headers', name) for name in
                  ('x-openstack-request-id', 'x-compute-request-id')}
    responses = {}
    for code in sorted(used):
        if code < 400:
            one = {'description': 'Success.', 'headers': version_headers}
            if code != 204:
                one['content'] = {'application/json': {
                    'schema': {'description': _NO_RESPONSE_SCHEMA}}}
            responses[f'success{code}'] = one
            continue
        name = faults.fault_name(code)
        responses[f'error{code}'] = {
            'description': f'{name}: {{"{name}": {{"code": {code}, '
                           '"message": "..."}}',
            'headers': id_headers,
            'content': {'application/json': {'schema': {
                'type': 'object', 'required': [name],
                'properties': {name: _ref('schemas', 'Fault')},
                'additionalProperties': False}}}}
    responses['error'] = {
        'description': 'Any other error, with the same body shape: '
                       '{"<fault name>": {"code", "message"}}.',
        'headers': id_headers,
        'content': {'application/json': {'schema': {
            'type': 'object', 'minProperties': 1, 'maxProperties': 1,
            'additionalProperties': _ref('schemas', 'Fault')}}}}
    parameters = {
        wsgi.API_VERSION_HEADER: {
            'name': wsgi.API_VERSION_HEADER, 'in': 'header',
            'required': False,
            'description': 'The microversion asked for: "compute X.Y" or '
                           '"compute latest" (wins over the legacy '
                           'header). Without either, the minimum. Out of '
                           'range: 406.',
            'schema': {'type': 'string'},
            'example': f'compute {avr.MAX_VERSION}'},
        wsgi.LEGACY_VERSION_HEADER: {
            'name': wsgi.LEGACY_VERSION_HEADER, 'in': 'header',
            'required': False,
            'description': 'The microversion as "X.Y" or "latest" '
                           '(legacy form).',
            'schema': {'type': 'string'},
            'example': avr.MAX_VERSION},
    }
    return {
        'schemas': all_schemas,
        'responses': responses,
        'parameters': parameters,
        'headers': headers,
        'securitySchemes': {'keystone': {
            'type': 'apiKey', 'in': 'header', 'name': 'X-Auth-Token',
            'description': 'A Keystone token (with auth_strategy noauth2: '
                           '"user:project"; user "admin" is admin).'}},
    }


_DESCRIPTION = f"""\
The OpenStack Compute API v2.1 as this project serves it, generated from
its route table and the JSON-Schemas its validator checks
(`python -m nova.api.openapi`). Served at `/openapi.json` beside the
versions document.

Microversions {avr.MIN_VERSION} to {avr.MAX_VERSION}. Each operation's
`x-openstack-microversion` is the range where it exists (outside: 404);
`requestBody` and query `parameters` show the newest microversion, and
`x-openstack-microversions` lists every range `{{min, max, body, query}}`
with the schemas checked in it. Bodies that name an action
(`POST .../action`) are `oneOf` the actions' schemas; `x-openstack-actions`
lists each action's own ranges and success status.

Every GET also answers HEAD. Every path may be prefixed by the project id
(`v2.1/{{project_id}}/...`). Query values and integer fields also accept
numeric strings, whose `minimum`/`maximum` the validator checks too.
Response bodies have no schema here: see the API reference.
"""


def build(ops=None):
    """The OpenAPI document as a dict (probes the router when ``ops`` is
    not given)."""
    if ops is None:
        ops = introspect.operations()
    all_versions = introspect.versions()
    schemas = _Schemas()
    used = set()
    paths = {}
    for op in ops:
        item = paths.setdefault(op.path, {})
        if op.params and 'parameters' not in item:
            item['parameters'] = _path_parameters(op)
        item[op.method.lower()] = _operation(op, schemas, all_versions,
                                             used)
    tags = sorted({_tag(op) for op in ops})
    return {
        'openapi': OPENAPI_VERSION,
        'jsonSchemaDialect': DIALECT,
        'info': {
            'title': 'OpenStack Compute API (nova)',
            'version': avr.MAX_VERSION,
            'description': _DESCRIPTION,
            'license': {'name': 'Apache 2.0',
                        'identifier': 'Apache-2.0'},
            'x-openstack-min-version': avr.MIN_VERSION,
            'x-openstack-max-version': avr.MAX_VERSION,
        },
        'servers': [
            {'url': 'v2.1', 'description': 'Compute API v2.1, relative to '
                                           'this document.'},
            {'url': 'v2.1/{project_id}',
             'description': 'The same, with the project id in the path.',
             'variables': {'project_id': {
                 'default': 'PROJECT_ID',
                 'description': 'The project of the token.'}}},
            {'url': 'v2', 'description': 'Legacy v2: microversion 2.1 '
                                         'whatever the headers say.'},
        ],
        'security': [{'keystone': []}],
        'tags': [{'name': tag} for tag in tags],
        'paths': paths,
        'components': _components(schemas, used),
    }
