"""An OpenAPI 3.1 document of the Compute API v2.1, generated from the
code that serves it.

Where it comes from
  ``introspect`` walks the route map of a real ``APIRouterV21`` and probes
  every handler at every microversion to learn where it exists and which
  body schema it validates; query schemas are read from the handlers'
  ``@validation.query_schema`` stacks. ``convert`` turns those draft-4
  schemas into JSON Schema 2020-12 (the OpenAPI 3.1 dialect, declared as
  ``jsonSchemaDialect``): boolean ``exclusiveMinimum``/``Maximum`` become
  numbers, ``definitions`` ``$defs``, ``dependencies``
  ``dependentRequired``/``dependentSchemas``, tuple ``items``
  ``prefixItems``. ``builder`` assembles the result.

Where it is
  ``GET /openapi.json`` beside the versions document (no token needed;
  ``nova.api.openapi.app``), and ``doc/source/api/openapi.json`` in the
  tree, written by ``tools/generate-openapi`` and checked by
  ``tools/check-generated.sh``.

Microversions (the ``x-openstack-*`` extensions)
  ``info.version`` is the maximum microversion; ``info`` also carries
  ``x-openstack-min-version`` and ``x-openstack-max-version``.

  Each operation has ``x-openstack-microversion``: ``{"min", "max"}``, the
  range in which it is served (a list of ranges if there are gaps; null
  when the route exists but no supported microversion serves it). Outside
  its range it answers 404. An operation that is gone at the maximum
  microversion, or always answers 410, is ``deprecated``.

  The operation's ``requestBody`` schema and query ``parameters`` are
  those of its newest microversion. ``x-openstack-microversions`` lists
  every range of microversions in which the checked schemas stay the
  same: ``[{"min", "max", "body": <schema>, "query": <schema>}]`` (either
  key left out when nothing is checked). Schemas are ``$ref`` s into
  ``components/schemas``, each distinct schema once.

  A body that names an action (``POST /servers/{id}/action`` and the other
  ``.../action`` routes) is ``oneOf`` the schemas of the actions served at
  that microversion; where the path names the action
  (``PUT /os-services/{id}`` before 2.53) it is ``anyOf``.
  ``x-openstack-actions`` lists each action: ``{"name", "status" (its
  success code, when the handler declares one), "in" (the path
  parameter, when the path names it), "microversions": [{"min", "max",
  "body"}]}``.

Responses
  Success codes are those the handler declares (``@wsgi.response``, an
  action table) or writes (``code=202``); error codes are those the API
  layer answers to any operation (401, 403, 404, 406; 400 with input)
  plus the ``code`` of the exceptions the handler raises itself. Errors
  are ``{"<fault name>": {"code", "message"}}``. This project publishes no
  response body schemas, and the document says so instead of inventing
  them.
"""

import json
import threading

_lock = threading.Lock()
_cache = {}


def generate():
    """A freshly generated document (a dict)."""
    from nova.api.openapi import builder
    return builder.build()


def dumps(doc):
    """The document as the checked-in file holds it (stable text)."""
    return json.dumps(doc, indent=1) + '\n'


def document():
    """The document, generated once per process."""
    with _lock:
        if 'doc' not in _cache:
            _cache['doc'] = generate()
        return _cache['doc']


def document_bytes():
    """The served body: the document as UTF-8 JSON, encoded once."""
    doc = document()
    with _lock:
        if 'bytes' not in _cache:
            _cache['bytes'] = dumps(doc).encode('utf-8')
        return _cache['bytes']
