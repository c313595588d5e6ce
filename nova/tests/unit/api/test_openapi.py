"""The generated OpenAPI document: valid, complete, and made of the very
schemas the validator checks. (That doc/source/api/openapi.json is
current is checked by tools/check-generated.sh.)"""

import json
import uuid

import pytest

from nova import objects
from nova.api import openapi, validation, wsgi
from nova.api.openapi import builder, convert, introspect
from nova.api.openstack import api_version_request as avr
from nova.api.openstack.compute import routes, servers

SCHEMAS = '#/components/schemas/'


@pytest.fixture(scope='module')
def doc():
    return openapi.generate()


def _resolve(doc, ref):
    assert ref['$ref'].startswith(SCHEMAS)
    return doc['components']['schemas'][ref['$ref'][len(SCHEMAS):]]


def _entry_at(op_doc, version):
    for entry in op_doc['x-openstack-microversions']:
        if avr.APIVersionRequest(version).matches(entry['min'],
                                                  entry['max']):
            return entry
    return None


def test_document_is_valid_openapi_3_1(doc):
    validator = pytest.importorskip('openapi_spec_validator')
    validator.validate(doc)
    assert doc['openapi'].startswith('3.1.')
    assert doc['info']['version'] == avr.MAX_VERSION
    # A JSON round trip keeps it whole (no tuples, sets or objects).
    assert json.loads(openapi.dumps(doc)) == doc


def test_every_route_of_the_router_is_documented(doc):
    objects.register_all()
    router = routes.APIRouterV21()
    missing = []
    for route in router.map.matchlist:
        methods = (route.conditions or {}).get('method') or ()
        if not isinstance(route.defaults.get('controller'), wsgi.Resource):
            continue
        path = route.routepath or '/'
        path = path.removeprefix('/{project_id}') or '/'
        for method in methods:
            method = 'get' if method == 'HEAD' else method.lower()
            if method not in doc['paths'].get(path, {}):
                missing.append(f'{method} {path}')
    assert missing == []


def test_operation_ids_are_unique(doc):
    ids = [op['operationId'] for item in doc['paths'].values()
           for key, op in item.items() if key != 'parameters']
    assert len(ids) == len(set(ids))


def test_servers_create_schemas_are_the_validators(doc):
    op_doc = doc['paths']['/servers']['post']
    newest = _resolve(doc, op_doc['requestBody']['content'][
        'application/json']['schema'])
    assert 'server' in newest['required']
    assert 'flavorRef' in newest['properties']['server']['required']
    declared = servers.ServersController.create._body_schemas
    for schema, low, high in declared:
        for version in introspect.versions():
            if not avr.APIVersionRequest(version).matches(low, high):
                continue
            entry = _entry_at(op_doc, version)
            assert _resolve(doc, entry['body']) == \
                convert.to_2020_12(schema), version
    low = [lo for _s, lo, _hi in declared
           if avr.APIVersionRequest(avr.MAX_VERSION).matches(lo, _hi)]
    assert low, 'a schema covers the newest microversion'


def _served_schema(app, monkeypatch, method, path, body, version):
    """The schema the API validates a real request's body against."""
    seen = []
    original = validation.validate

    def recording(schema, data):
        if data == body:
            seen.append(schema)
        return original(schema, data)
    monkeypatch.setattr(validation, 'validate', recording)
    from nova.tests.unit.api.conftest import Client
    resp = Client(app, token='admin:admin').request(
        method, path, body=body, version=version)
    assert resp.status_int == 400
    assert seen
    return seen[0]


@pytest.mark.parametrize('version', ['2.1', '2.19', avr.MAX_VERSION])
def test_served_server_create_schema_matches(doc, app, dbs, monkeypatch,
                                             version):
    schema = _served_schema(app, monkeypatch, 'POST', '/v2.1/servers',
                            {'server': {}}, version)
    entry = _entry_at(doc['paths']['/servers']['post'], version)
    assert _resolve(doc, entry['body']) == convert.to_2020_12(schema)


@pytest.mark.parametrize('version', ['2.1', '2.54', avr.MAX_VERSION])
def test_served_rebuild_schema_matches(doc, app, dbs, monkeypatch, version):
    # The action's schema is chosen in code, not by a decorator: the
    # document has it because the generator probes that same code.
    schema = _served_schema(app, monkeypatch, 'POST',
                            f'/v2.1/servers/{uuid.uuid4()}/action',
                            {'rebuild': {}}, version)
    op_doc = doc['paths']['/servers/{id}/action']['post']
    rebuild = next(a for a in op_doc['x-openstack-actions']
                   if a['name'] == 'rebuild')
    span = next(s for s in rebuild['microversions']
                if avr.APIVersionRequest(version).matches(s['min'],
                                                          s['max']))
    assert _resolve(doc, span['body']) == convert.to_2020_12(schema)
    body = _entry_at(op_doc, version)['body']
    assert span['body'] in body['oneOf']


def test_server_actions_are_one_of_and_exclusive(doc):
    op_doc = doc['paths']['/servers/{id}/action']['post']
    one_of = op_doc['requestBody']['content']['application/json'][
        'schema']['oneOf']
    names = {a['name'] for a in op_doc['x-openstack-actions']}
    assert {'reboot', 'rebuild', 'createImage', 'os-stop'} <= names
    assert len(one_of) == len(names)
    for ref in one_of:
        schema = _resolve(doc, ref)
        # Each action's body has its one key and nothing else, so at most
        # one branch of the oneOf matches.
        assert len(schema['required']) == 1
        assert schema['additionalProperties'] is False
    reboot = next(a for a in op_doc['x-openstack-actions']
                  if a['name'] == 'reboot')
    assert reboot['status'] == 202


def test_actions_named_in_a_refusal_or_the_path(doc):
    agg = doc['paths']['/os-aggregates/{id}/action']['post']
    assert [a['name'] for a in agg['x-openstack-actions']] == [
        'add_host', 'remove_host', 'set_metadata']
    services = doc['paths']['/os-services/{id}']['put']
    by_name = {a['name']: a for a in services['x-openstack-actions']}
    assert set(by_name) == {'enable', 'disable', 'disable-log-reason',
                            'force-down'}
    assert by_name['force-down']['in'] == 'id'
    assert by_name['force-down']['microversions'][0]['min'] == '2.11'
    old = _entry_at(services, '2.11')['body']
    assert len(old['anyOf']) == 3


def test_microversion_ranges_of_operations(doc):
    paths = doc['paths']
    assert paths['/flavors/{id}']['put']['x-openstack-microversion'][
        'min'] == '2.55'
    assert paths['/servers/{server_id}/tags']['get'][
        'x-openstack-microversion']['min'] == '2.26'
    images = paths['/images']['get']
    assert images['x-openstack-microversion'] == {'min': '2.1',
                                                  'max': '2.35'}
    assert images['deprecated'] is True
    assert 'deprecated' not in paths['/servers']['get']


def test_removed_apis_answer_410_only(doc):
    op_doc = doc['paths']['/os-cells']['get']
    assert list(op_doc['responses']) == ['410']
    assert op_doc['deprecated'] is True
    error = doc['components']['responses']['error410']
    schema = error['content']['application/json']['schema']
    assert schema['required'] == ['computeFault']


def test_query_parameters_of_the_newest_microversion(doc):
    op_doc = doc['paths']['/servers']['get']
    params = {p['name']: p for p in op_doc['parameters'] if 'name' in p}
    assert params['limit']['schema']['pattern'] == '^[0-9]+$'
    assert params['sort_key']['explode'] is True
    refs = [p.get('$ref', '') for p in op_doc['parameters']]
    assert '#/components/parameters/OpenStack-API-Version' in refs
    declared = servers.ServersController.index._query_schemas
    newest = next(s for s, lo, hi in declared
                  if avr.APIVersionRequest(avr.MAX_VERSION).matches(lo, hi))
    entry = _entry_at(op_doc, avr.MAX_VERSION)
    assert _resolve(doc, entry['query']) == convert.to_2020_12(newest)


def test_errors_have_the_fault_shape(doc):
    responses = doc['paths']['/servers']['post']['responses']
    assert {'202', '400', '401', '403', '404', 'default'} <= set(responses)
    error = doc['components']['responses']['error400']
    schema = error['content']['application/json']['schema']
    assert schema['required'] == ['badRequest']
    assert doc['components']['schemas']['Fault']['required'] == [
        'code', 'message']
    assert doc['security'] == [{'keystone': []}]


def test_probe_leaves_validation_in_place():
    original = validation.validate
    introspect.operations()
    assert validation.validate is original


def test_recording_validate_still_validates_outside_a_probe():
    wrapped = introspect._recording(validation.validate)
    with pytest.raises(Exception, match='required'):
        wrapped({'type': 'object', 'required': ['a']}, {})


def test_convert_draft4_keywords():
    schema = {'$schema': 'http://json-schema.org/draft-04/schema#',
              'type': 'object',
              'properties': {
                  'id': {'type': 'integer', 'minimum': 0,
                         'exclusiveMinimum': True},
                  'items': {'type': 'array', 'items': [{'type': 'string'}],
                            'additionalItems': False},
                  'max': {'maximum': 5, 'exclusiveMaximum': False}},
              'dependencies': {'a': ['b'], 'c': {'required': ['d']}},
              'definitions': {'x': {'type': 'string'}},
              'additionalProperties': {'$ref': '#/definitions/x'}}
    assert convert.to_2020_12(schema) == {
        'type': 'object',
        'properties': {
            'id': {'type': 'integer', 'exclusiveMinimum': 0},
            'items': {'type': 'array', 'prefixItems': [{'type': 'string'}],
                      'items': False},
            'max': {'maximum': 5}},
        'dependentRequired': {'a': ['b']},
        'dependentSchemas': {'c': {'required': ['d']}},
        '$defs': {'x': {'type': 'string'}},
        'additionalProperties': {'$ref': '#/$defs/x'}}


def test_ranges_merge_equal_neighbours_only():
    versions = ['2.1', '2.2', '2.3', '2.4']
    assert builder.ranges({'2.1': 'a', '2.2': 'a', '2.4': 'a'},
                          versions) == [('2.1', '2.2', 'a'),
                                        ('2.4', '2.4', 'a')]


def test_served_without_a_token(app):
    from nova.tests.unit.api.conftest import Client
    client = Client(app, token='')
    resp = client.get('/openapi.json')
    assert resp.status_int == 200
    assert resp.content_type == 'application/json'
    assert resp.json_body_or_none == openapi.document()
    assert resp.json_body_or_none['info']['version'] == avr.MAX_VERSION
    assert client.request('HEAD', '/openapi.json').status_int == 200
    resp = client.post('/openapi.json', body={})
    assert resp.status_int == 405
    assert resp.json_body_or_none['badMethod']['code'] == 405
    assert client.get('/openapi.json/x').status_int == 404


def test_version_document_needs_no_token(doc):
    op_doc = doc['paths']['/']['get']
    assert op_doc['security'] == []
    assert '401' not in op_doc['responses']
    assert 'security' not in doc['paths']['/servers']['get']
