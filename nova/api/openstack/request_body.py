"""Reading a request's JSON body cheaply and safely.

The size of a body is capped before it is read (``[wsgi]
max_request_body_size``, see ``nova.api.middleware``); here the
content type is checked and the JSON parsed with two more limits, each
found without building the document:

* nesting deeper than :data:`MAX_DEPTH` arrays/objects is refused before
  parsing: no request the API documents nests more than 5 levels, and
  a deep document would exhaust the stack of the parser or of the
  JSON-Schema validator (a 100,000-deep array is refused in
  microseconds);
* strings must be valid Unicode: a lone UTF-16 surrogate (``"\\ud800"``)
  would be accepted by the parser but fail later in the database.
"""

import re

from oslo_serialization import jsonutils

from nova.api.openstack import errors

#: Deepest nesting of JSON arrays and objects a body may have.
MAX_DEPTH = 32

JSON_TYPES = ('application/json', 'application/vnd.openstack.compute+json')

# A string token or one bracket; strings are skipped whole so that
# brackets inside them do not count.
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SURROGATE_ESCAPE = re.compile(rb'\\u[dD][89a-fA-F]')


def content_type(req):
    """The request's media type if it is JSON, None if it names none.

    As the Compute API has it, a missing, empty or ``text/plain``
    Content-Type means JSON (some clients and servers default to
    ``text/plain``); anything else is a 415.
    """
    if 'Content-Type' not in req.headers:
        return None
    media = (req.content_type or '').strip().lower()
    if not media or media == 'text/plain':
        return None
    if media not in JSON_TYPES:
        raise errors.InvalidContentType(content_type=media)
    return media


def too_deep(raw, limit=MAX_DEPTH):
    """True when ``raw`` nests arrays/objects more than ``limit`` deep."""
    # Few brackets cannot nest deep: no scan (the common case).
    if raw.count(b'[') + raw.count(b'{') <= limit:
        return False
    depth = 0
    for match in _TOKEN.finditer(raw):
        token = match.group()
        if token in (b'[', b'{'):
            depth += 1
            if depth > limit:
                return True
        elif token in (b']', b'}'):
            depth -= 1
    return False


def _check_strings(value):
    """Raise if a string (key or value) in ``value`` is not valid Unicode."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode('utf-8')
            except UnicodeEncodeError:
                raise errors.MalformedRequestBody(
                    reason='a string holds an unpaired UTF-16 surrogate '
                           '(\\ud800-\\udfff), which is not valid Unicode.')
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _parse(raw):
    return jsonutils.loads(raw)


def loads(raw):
    """The document in ``raw`` (bytes), or MalformedRequestBody."""
    if too_deep(raw):
        raise errors.MalformedRequestBody(
            reason=f'JSON nests deeper than {MAX_DEPTH} levels.')
    try:
        document = _parse(raw)
    except (ValueError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        raise errors.MalformedRequestBody(reason=str(exc))
    if _SURROGATE_ESCAPE.search(raw):
        _check_strings(document)
    return document


def parse(req):
    """The JSON body of ``req``; None when it has none."""
    content_type(req)
    raw = req.body
    if not raw:
        return None
    return loads(raw)
