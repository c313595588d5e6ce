"""Hypothesis strategies for Compute API requests, from the API's own
JSON-Schemas.

``valid(schema)`` draws values the schema accepts (with real ids mixed
in where a property names one); ``mutated(schema)`` draws one of those
and breaks it in one place (a wrong type, a missing required key, an
unknown key, an out-of-range string or number, a whole other
document). ``request(route, ...)`` puts a method, a path with ids
(real or not), a query string, a microversion header, a token, a
content type and a body together.
"""

import base64
import dataclasses
import json
import re
import string
import urllib.parse

from hypothesis import strategies as st

from nova import exception
from nova.api import validation
from nova.tests.functional.api_fuzz import catalog

# Strings that have broken web services before.
SPECIAL_STRINGS = (
    '', ' ', 'a', '\x00', '\x7f', 'x' * 256, 'x' * 70000, '\u202e',
    '\u65e5\u672c', '../', '%s%n', "'", '"', '\\', 'null', 'true', '-1',
    '0', '1e309', '\ud800', '\udfff\ud800', '\U0001f600', ' lead',
    'trail ', 'a,b', 'a/b', '2.1', 'latest', 'None', '[]', '{}',
)

_SCALARS = (st.none() | st.booleans() |
            st.integers(min_value=-2 ** 70, max_value=2 ** 70) |
            st.floats() | st.text(max_size=12) |
            st.sampled_from(SPECIAL_STRINGS))

ANY_JSON = st.recursive(
    _SCALARS,
    lambda inner: (st.lists(inner, max_size=3) |
                   st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6)

# Raw bodies that are not the JSON of any object.
RAW_BODIES = st.sampled_from((
    b'', b'{', b'{"a":', b'[', b'}', b'nul', b'\xff\xfe\x00', b'\x00' * 8,
    b'\xef\xbb\xbf{}', b'NaN', b'Infinity', b'-Infinity', b'1' * 5000,
    b'{"a": 1e999999}', b'{"a": "\\ud800"}', b'{"a": "\\x00"}',
    b'[' * 100000, b'[' * 40 + b']' * 40, b'{"a":' * 40 + b'1' + b'}' * 40,
    b'{"a": 1, "a": 2}', b'"just a string"', b'null', b'true', b'12',
    b'{"server": {"name": "\xff"}}', b'<xml/>', b'a=1&b=2',
)) | st.binary(max_size=64)

CONTENT_TYPES = ('application/json', 'application/json; charset=utf-8',
                 'application/vnd.openstack.compute+json', 'text/plain')
BAD_CONTENT_TYPES = ('application/xml', 'text/html', 'multipart/form-data',
                     'application/x-www-form-urlencoded', 'image/png',
                     ';;;', 'application/jsonx', '*/*')

GOOD_VERSIONS = [f'{catalog.MIN[0]}.{minor}'
                 for minor in range(catalog.MIN[1], catalog.MAX[1] + 1)]
OUT_OF_RANGE_VERSIONS = (f'2.{catalog.MAX[1] + 1}', '2.999', '3.0',
                         '1.1', '2.0', '9.9')
GARBAGE_VERSIONS = ('abc', '2', '2.1.1', '02.1', '', ' ', '2.x', '-2.1',
                    '2.1 2.2', 'compute', '\u0662.\u0661', '1' * 50)

ADMIN_TOKEN = 'admin:fuzz-admin'
OWNER_TOKEN = 'fuzz:fuzz-project'
OTHER_TOKEN = 'other:other-project'


@dataclasses.dataclass
class FuzzRequest:
    route: str
    method: str
    path: str
    headers: dict
    body: bytes = None
    # 'read' (GET/HEAD), 'reject' (certainly refused) or 'maybe'
    # (a write that may be accepted).
    kind: str = 'maybe'

    def describe(self):
        return (f'{self.method} {_short(self.path)} '
                f'headers={_short(repr(self.headers))} '
                f'body={_short(repr(self.body))}')


def _short(text, size=300):
    return text if len(text) <= size else (
        f'{text[:size]}...({len(text)} characters)')


# Schemas -> strategies -------------------------------------------------------

_CACHE = {}


def _cached(kind, schema, build):
    key = (kind, id(schema))
    if key not in _CACHE:
        _CACHE[key] = (schema, build())
    return _CACHE[key][1]


def _regex(pattern, min_size, max_size):
    try:
        re.compile(pattern)
        base = st.from_regex(pattern, fullmatch=True)
    except Exception:  # noqa: BLE001 - patterns hypothesis cannot invert
        base = st.text(string.ascii_letters + string.digits,
                       min_size=min_size, max_size=max_size)
    return base.filter(lambda s: min_size <= len(s) <= max_size)


def _string(schema, hints):
    min_size = schema.get('minLength', 0)
    max_size = schema.get('maxLength', 40)
    fmt = schema.get('format')
    if fmt == 'uuid':
        base = st.uuids().map(str)
    elif fmt == 'ipv4':
        base = st.ip_addresses(v=4).map(str)
    elif fmt == 'ipv6':
        base = st.ip_addresses(v=6).map(str)
    elif fmt == 'date-time':
        base = st.datetimes().map(lambda d: d.isoformat() + 'Z')
    elif fmt == 'base64':
        base = st.binary(max_size=30).map(
            lambda b: base64.b64encode(b).decode())
    elif 'pattern' in schema:
        base = _regex(schema['pattern'], min_size, min(max_size, 40))
    else:
        base = st.text(min_size=min_size,
                       max_size=max(min_size, min(max_size, 40)))
    if hints:
        return st.sampled_from(hints) | base
    return base


def _integer(schema):
    low = schema.get('minimum', -10)
    high = schema.get('maximum', max(low, 0) + 100)
    return st.integers(min_value=low, max_value=high)


def _object(schema, hint_map):
    props = schema.get('properties', {})
    required = [k for k in schema.get('required', []) if k in props]
    fixed = {k: valid(props[k], hint_map, k) for k in required}
    optional = {k: valid(v, hint_map, k) for k, v in props.items()
                if k not in required}
    base = st.fixed_dictionaries(fixed, optional=optional)
    patterns = schema.get('patternProperties', {})
    if patterns:
        pattern, sub = next(iter(patterns.items()))
        extra = st.dictionaries(_regex(pattern, 1, 20),
                                valid(sub, hint_map), max_size=3)
        base = st.tuples(base, extra).map(lambda p: {**p[1], **p[0]})
    return base


def _array(schema, hint_map):
    items = schema.get('items', {})
    low = schema.get('minItems', 0)
    high = min(schema.get('maxItems', low + 3), low + 3)
    return st.lists(valid(items, hint_map), min_size=low, max_size=high)


def _types(schema):
    kind = schema.get('type')
    if isinstance(kind, list):
        return kind
    if kind:
        return [kind]
    if 'properties' in schema or 'patternProperties' in schema:
        return ['object']
    if 'items' in schema:
        return ['array']
    return []


def valid(schema, hint_map=None, name=None):
    """Values ``schema`` accepts (mostly: a pattern that hypothesis
    cannot invert gives plain text)."""
    hint_map = hint_map or {}
    hints = list(hint_map.get(name, ()))

    def build():
        if 'enum' in schema:
            return st.sampled_from(schema['enum'])
        for key in ('oneOf', 'anyOf'):
            if key in schema:
                base = {k: v for k, v in schema.items() if k != key}
                return st.one_of([valid({**base, **branch}, hint_map, name)
                                  for branch in schema[key]])
        choices = []
        for kind in _types(schema) or ['any']:
            if kind == 'string':
                choices.append(_string(schema, hints))
            elif kind == 'integer':
                choices.append(_integer(schema))
            elif kind == 'number':
                choices.append(st.floats(allow_nan=False,
                                         allow_infinity=False))
            elif kind == 'boolean':
                choices.append(st.booleans())
            elif kind == 'null':
                choices.append(st.none())
            elif kind == 'object':
                choices.append(_object(schema, hint_map))
            elif kind == 'array':
                choices.append(_array(schema, hint_map))
            else:
                choices.append(ANY_JSON)
        return st.one_of(choices)
    return _cached(('valid', name, id(hint_map)), schema, build)


def _paths(value, prefix=()):
    """Every place inside ``value`` (a tuple of keys/indexes)."""
    yield prefix
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _paths(sub, (*prefix, index))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
    else:
        copy = list(value)
    copy[head] = _replace(value[head], rest, new)
    return copy


def _drop(value, path):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if not rest:
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k != head}
        return [v for i, v in enumerate(value) if i != head]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _drop(value[head], rest)
    return copy


@st.composite
def mutated(draw, schema, hint_map=None):
    """A value of ``schema`` broken in one place."""
    value = draw(valid(schema, hint_map))
    places = list(_paths(value))
    where = draw(st.sampled_from(places))
    how = draw(st.sampled_from(('replace', 'replace', 'drop', 'extra',
                                'special')))
    if how == 'drop' and where:
        return _drop(value, where)
    if how == 'extra':
        target = value
        for key in where:
            target = target[key]
        if isinstance(target, dict):
            extra = draw(st.text(min_size=1, max_size=8))
            return _replace(value, where, {**target,
                                           extra: draw(ANY_JSON)})
    if how == 'special':
        return _replace(value, where, draw(st.sampled_from(SPECIAL_STRINGS)))
    return _replace(value, where, draw(ANY_JSON))


def query_pairs(schema, hint_map):
    """(name, value) pairs of a query string from a query schema."""
    props = schema.get('properties', {})
    names = sorted(props)
    if not names:
        return st.just([])

    @st.composite
    def build(draw):
        chosen = draw(st.lists(st.sampled_from(names), max_size=3,
                               unique=True))
        pairs = []
        for name in chosen:
            values = draw(valid(props[name], hint_map, name))
            if not isinstance(values, list):
                values = [values]
            pairs.extend((name, v) for v in values)
        return pairs
    return build()


def _plain(value):
    """A query value as text, the way a client would send it."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def encode_query(pairs):
    out = []
    for key, value in pairs:
        try:
            out.append(urllib.parse.quote(str(key), safe='') + '=' +
                       urllib.parse.quote(_plain(value), safe=''))
        except UnicodeEncodeError:
            out.append('bad=%ff')
    return '&'.join(out)


def quote_segment(value):
    text = str(value)
    if text in ('.', '..'):
        return text.replace('.', '%2E')
    try:
        return urllib.parse.quote(text, safe='')
    except UnicodeEncodeError:
        return '%ED%A0%80'  # a lone surrogate, UTF-8 encoded


# Path ids ---------------------------------------------------------------------

# Strings short enough for a URL (the HTTP server caps the request line).
URL_STRINGS = tuple(s for s in SPECIAL_STRINGS if len(s) < 1000)

JUNK_IDS = (st.uuids().map(str) |
            st.integers(min_value=-5, max_value=2 ** 70).map(str) |
            st.text(max_size=20) | st.sampled_from(URL_STRINGS))


def _collection(route, param):
    """The path segment before ``{param}`` (its collection's name)."""
    segments = route.path.split('/')
    index = segments.index('{' + param + '}')
    return segments[index - 1] if index else ''


def path_value(route, param, real_ids, protect):
    real = list(real_ids.get(_collection(route, param), ()))
    if route.path.startswith('/os-services/') and route.method == 'PUT':
        real = list(catalog.SERVICE_ACTIONS)
    if protect:
        return JUNK_IDS
    if real:
        return st.sampled_from(real) | JUNK_IDS
    return JUNK_IDS


# Headers ------------------------------------------------------------------------

def _version_headers():
    return st.one_of(
        st.sampled_from(GOOD_VERSIONS).map(
            lambda v: ({'OpenStack-API-Version': f'compute {v}'}, v)),
        st.just(({'OpenStack-API-Version': 'compute latest'},
                 GOOD_VERSIONS[-1])),
        st.just(({}, GOOD_VERSIONS[0])),
        st.sampled_from(GOOD_VERSIONS).map(
            lambda v: ({'X-OpenStack-Nova-API-Version': v}, v)),
        st.sampled_from(OUT_OF_RANGE_VERSIONS).map(
            lambda v: ({'OpenStack-API-Version': f'compute {v}'}, None)),
        st.sampled_from(GARBAGE_VERSIONS).map(
            lambda v: ({'OpenStack-API-Version': f'compute {v}'}, None)),
    )


def _body_for(route, version, hint_map):
    """(body bytes, content type, certainly-rejected?) for ``route``."""
    schemas = route.body_schemas(catalog.version_tuple(version)) \
        if version else []

    @st.composite
    def build(draw):
        kind = draw(st.sampled_from(('valid', 'valid', 'mutated', 'mutated',
                                     'any', 'raw', 'none')))
        schema = draw(st.sampled_from(schemas)) if schemas else None
        content_type = draw(st.sampled_from(CONTENT_TYPES))
        if draw(st.integers(0, 19)) == 0:
            content_type = draw(st.sampled_from(BAD_CONTENT_TYPES))
        elif draw(st.integers(0, 19)) == 0:
            content_type = None
        bad_type = content_type in BAD_CONTENT_TYPES
        if kind == 'none':
            return None, content_type, bad_type
        if kind == 'raw':
            return draw(RAW_BODIES), content_type, True
        if kind == 'valid' and schema is not None:
            document = draw(valid(schema, hint_map))
        elif kind in ('valid', 'mutated') and schema is not None:
            document = draw(mutated(schema, hint_map))
        else:
            document = draw(ANY_JSON)
        raw = json.dumps(document).encode()
        rejected = bad_type
        if schema is not None and not rejected:
            try:
                validation.validate(schema, document)
            except exception.ValidationError:
                rejected = True
        return raw, content_type, rejected
    return build()


def request(route, real_ids, hint_map):
    """A FuzzRequest for ``route``."""

    @st.composite
    def build(draw):
        headers, version = draw(_version_headers())
        token = draw(st.sampled_from((ADMIN_TOKEN,) * 7 + (OWNER_TOKEN,) * 9 +
                                     (OTHER_TOKEN,) * 3 + (None,)))
        if token:
            headers['X-Auth-Token'] = token
        prefix = draw(st.sampled_from(('/v2.1', '/v2.1', '/v2.1', '/v2',
                                       '/v2.1/fuzz-project')))
        segments = []
        params = route.params
        for segment in route.path.split('/'):
            if segment.startswith('{'):
                param = segment[1:-1]
                # Never point a DELETE at a resource the fuzzer keeps.
                protect = (route.method == 'DELETE' and param == params[-1])
                value = draw(path_value(route, param, real_ids, protect))
                segments.append(quote_segment(value))
            else:
                segments.append(segment)
        path = prefix + '/'.join(segments).rstrip('/')
        query = []
        for schema in route.query_schemas(
                catalog.version_tuple(version)) if version else []:
            query = draw(query_pairs(schema, hint_map))
        if draw(st.integers(0, 9)) == 0:
            query = query + [(draw(st.text(max_size=8)),
                              draw(st.sampled_from(URL_STRINGS)))]
        if query:
            path += '?' + encode_query(query)
        body = None
        rejected = version is None or token is None
        if route.takes_body():
            body, content_type, bad_body = draw(
                _body_for(route, version, hint_map))
            rejected = rejected or bad_body
            if content_type:
                headers['Content-Type'] = content_type
            if body is not None and b'forceDelete' in body:
                body = b'{"forceDelete": "kept away"}'
        elif draw(st.integers(0, 19)) == 0:
            headers['Content-Type'] = draw(st.sampled_from(
                CONTENT_TYPES + BAD_CONTENT_TYPES))
        method = route.method
        if draw(st.integers(0, 39)) == 0:
            method = draw(st.sampled_from(('PATCH', 'OPTIONS', 'HEAD',
                                           'TRACE', 'POST', 'PUT')))
            if method in ('POST', 'PUT') and method != route.method and \
                    route.method in ('GET', 'DELETE'):
                body = b'{}'
        if method in ('GET', 'HEAD'):
            kind = 'read'
        elif rejected:
            kind = 'reject'
        else:
            kind = 'maybe'
        return FuzzRequest(route.name, method, path, headers, body, kind)
    return build()
