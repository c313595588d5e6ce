"""JSON-Schema validation messages and per-microversion schema choice."""

import pytest

from nova import exception
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.api.validation import parameter_types as types


class _Req:
    def __init__(self, version):
        self.api_version_request = avr.APIVersionRequest(version)


class _Controller:
    @validation.schema({'type': 'object', 'required': ['new']}, '2.5')
    @validation.schema({'type': 'object', 'required': ['old']}, '2.1', '2.4')
    def create(self, req, body):
        return body


@pytest.mark.parametrize('version,field', [('2.1', 'old'), ('2.4', 'old'),
                                           ('2.5', 'new'), ('2.9', 'new')])
def test_schema_is_chosen_by_microversion(version, field):
    with pytest.raises(exception.ValidationError) as err:
        _Controller().create(_Req(version), body={})
    assert f"'{field}' is a required property" in str(err.value)


def test_valid_body_reaches_the_handler():
    assert _Controller().create(_Req('2.5'), body={'new': 1}) == {'new': 1}


def test_message_names_the_nested_field():
    schema = {'type': 'object',
              'properties': {'server': {'type': 'object',
                                        'properties': {'name': types.name}}}}
    with pytest.raises(exception.ValidationError) as err:
        validation.validate(schema, {'server': {'name': ''}})
    assert 'server.name' in str(err.value)


def test_unknown_property_is_named():
    schema = {'type': 'object', 'properties': {},
              'additionalProperties': False}
    with pytest.raises(exception.ValidationError) as err:
        validation.validate(schema, {'bogus': 1})
    assert 'bogus' in str(err.value)


@pytest.mark.parametrize('name', [' lead', 'trail ', 'tab\tname'])
def test_names_refuse_edge_whitespace_and_controls(name):
    with pytest.raises(exception.ValidationError):
        validation.validate(types.name, name)


def test_uuid_format():
    with pytest.raises(exception.ValidationError):
        validation.validate(types.uuid, 'not-a-uuid')
    validation.validate(types.uuid, '155d900f-4e14-4e4c-a73d-069cbf4541e6')


@pytest.mark.parametrize('value,ok', [
    ('5', True), (5, True), ('0', False), (0, False), ('11', False),
    ('1' * 40, False), ('2.5', True), ('abc', True)])
def test_bounds_hold_for_numbers_given_as_strings(value, ok):
    schema = {'type': ['integer', 'number', 'string'], 'minimum': 1,
              'maximum': 10}
    if ok:
        validation.validate(schema, value)
    else:
        with pytest.raises(exception.ValidationError) as err:
            validation.validate(schema, value)
        assert 'minimum' in str(err.value) or 'maximum' in str(err.value)


@pytest.mark.parametrize('body', [
    {'changePassword': {'adminPass': 'hunter2-' + 'x' * 300}},
    {'changePassword': {'adminPass': ['hunter2-secret']}},
    {'rescue': {'adminPass': 'hunter2-secret', 'rescue_image_ref': 'x'}},
])
def test_a_message_about_a_password_does_not_quote_it(body):
    schema = {'type': 'object', 'properties': {
        'changePassword': {'type': 'object', 'properties': {
            'adminPass': {'type': 'string', 'maxLength': 255}}},
        'rescue': {'oneOf': [{'type': 'null'}, {
            'type': 'object', 'properties': {
                'adminPass': {'type': 'string'},
                'rescue_image_ref': {'type': 'string', 'format': 'uuid'}},
            'additionalProperties': False}]}}}
    with pytest.raises(exception.ValidationError) as err:
        validation.validate(schema, body)
    message = err.value.format_message()
    assert 'hunter2' not in message
    assert 'Invalid input for field/attribute' in message
