"""JSON-Schema validation of request bodies and query strings.

Controllers declare ``@validation.schema(body_schema, min, max)`` and
``@validation.query_schema(query_schema, min, max)``, stacked once per
microversion range; the schema matching the request's microversion is
checked before the handler runs. A request no schema covers is not
validated (the method's own version range rejects it).
"""

import functools
import re

import jsonschema
from jsonschema import validators

from nova import exception
from nova.api.validation import parameter_types  # noqa: F401

_FORMAT_CHECKER = jsonschema.FormatChecker()


@_FORMAT_CHECKER.checks('uuid')
def _is_uuid(value):
    if not isinstance(value, str):
        return True
    from oslo_utils import uuidutils
    return uuidutils.is_uuid_like(value)


def _as_number(instance):
    """A number given as a string ("42", "1.5") as that number, so that
    minimum/maximum bound it too; anything else unchanged."""
    if not isinstance(instance, str):
        return instance
    try:
        return int(instance)
    except ValueError:
        try:
            return float(instance)
        except ValueError:
            return instance


def _bound_numeric_strings(check):
    def wrapped(validator, bound, instance, schema):
        return check(validator, bound, _as_number(instance), schema)
    return wrapped


def _make_validator_class():
    # Many fields take an integer or its string ("ram": "512"); their
    # bounds must hold for both forms (a string of 30 digits would
    # otherwise reach the database).
    draft4 = validators.validator_for(
        {'$schema': 'http://json-schema.org/draft-04/schema'})
    return validators.extend(draft4, {
        key: _bound_numeric_strings(draft4.VALIDATORS[key])
        for key in ('minimum', 'maximum')})


_VALIDATOR_CLASS = _make_validator_class()


def _validator_class():
    return _VALIDATOR_CLASS


def _path(error):
    parts = [str(p) for p in error.absolute_path]
    return '.'.join(parts)


def _describe(error):
    """One sentence naming the field and what is wrong with it."""
    # Report the deepest, most specific error of a oneOf/anyOf.
    if error.context:
        best = jsonschema.exceptions.best_match(error.context)
        if best is not None:
            error = best
    path = _path(error)
    if error.validator == 'additionalProperties':
        where = path or 'the request'
        return f'Invalid input for {where}: {error.message}'
    if error.validator == 'required':
        where = path or 'the request body'
        return f'Invalid input for {where}: {error.message}'
    if _holds_secret(error):
        # jsonschema's message quotes the value: say what is wrong without.
        return (f'Invalid input for field/attribute {path or "the request"}: '
                f'{_rule_broken(error)}')
    if path:
        return f'Invalid input for field/attribute {path}. Value: {_short(error.instance)}. {error.message}'
    return f'Invalid input: {error.message}'


_SECRET_NAME = re.compile(r'pass(word)?|secret|token', re.IGNORECASE)


def _holds_secret(error):
    """The invalid value is, or holds, a password or a token (by name)."""
    names = [str(p) for p in error.absolute_path]
    if isinstance(error.instance, dict):
        names += [str(k) for k in error.instance]
    return any(_SECRET_NAME.search(name) for name in names)


def _rule_broken(error):
    rule, value = error.validator, error.validator_value
    if rule == 'type':
        return f'it must be of type {value}'
    if rule == 'maxLength':
        return f'it is longer than {value} characters'
    if rule == 'minLength':
        return f'it is shorter than {value} characters'
    if rule == 'enum':
        return f'it must be one of {value}'
    return f'it does not satisfy the "{rule}" rule'


def _short(value):
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + '...'


def validate(schema, data):
    cls = _validator_class()
    validator = cls(schema, format_checker=_FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data),
                    key=lambda e: len(list(e.absolute_path)))
    if errors:
        raise exception.ValidationError(detail=_describe(errors[0]))


def _in_range(req, min_version, max_version):
    return req.api_version_request.matches(min_version, max_version)


def _versioned_validator(attr, extract):
    """A decorator factory; stacking it adds one schema per version range."""
    def factory(schema_, min_version=None, max_version=None):
        def decorator(func):
            inner = getattr(func, attr + '_inner', func)
            schemas = getattr(func, attr, []) + [
                (schema_, min_version, max_version)]

            @functools.wraps(inner)
            def wrapper(self, req, *args, **kwargs):
                for one_schema, lo, hi in schemas:
                    if _in_range(req, lo, hi):
                        validate(one_schema, extract(req, kwargs))
                        break
                return inner(self, req, *args, **kwargs)
            setattr(wrapper, attr, schemas)
            setattr(wrapper, attr + '_inner', inner)
            return wrapper
        return decorator
    return factory


def query_to_dict(req):
    """The query string as {name: [values...]}, as the schemas expect."""
    result = {}
    for key, value in req.GET.items():
        result.setdefault(key, []).append(value)
    return result


#: Validate the JSON body; stack once per microversion range.
schema = _versioned_validator('_body_schemas',
                              lambda req, kwargs: kwargs.get('body'))
#: Validate the query string (a dict of lists); stack per range.
query_schema = _versioned_validator('_query_schemas',
                                    lambda req, kwargs: query_to_dict(req))
