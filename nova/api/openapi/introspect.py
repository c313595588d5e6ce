"""What the v2.1 router serves, read from the router and the controllers.

The operations are the rows of a real ``APIRouterV21``'s route map. Their
request schemas and microversion ranges are not read from a second table:
each handler is *probed* at every microversion with a request whose
context refuses any real work (``_ProbeContext``) while
``nova.api.validation.validate`` records the schemas it is asked to check.
So a schema chosen in code (``if avr.is_supported(req, '2.54'): ...``) is
found exactly as the API chooses it, and a new microversion needs no
change here.

A probe never reaches the databases, RPC or peer services: every path to
them goes through the request context, and touching the context (beyond
``can`` and the ids) raises ``_Reached``, a ``BaseException`` that the
handlers' ``except Exception`` clauses do not swallow.
"""

import ast
import dataclasses
import functools
import inspect
import re
import sys
import textwrap
import threading

from nova import exception, objects
from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import errors

# Handlers whose action is named by a path segment rather than by the body:
# {(controller class, method): (path parameter, action names)}.
PATH_NAMED_ACTIONS = {
    ('ServiceController', 'update'): (
        'id', ('enable', 'disable', 'disable-log-reason', 'force-down')),
}
# The fixed answers that mean "this API is not served here".
GONE_CODES = (410, 501)
_PROJECT_PREFIX = '/{project_id}'


class _Reached(BaseException):
    """The probe got past the API checks to real work: stop there."""


class _ProbeContext:
    project_id = 'probe-project'
    user_id = 'probe-user'
    is_admin = True

    def can(self, *args, **kwargs):
        return True

    def __getattr__(self, name):
        raise _Reached(name)

    def __setattr__(self, name, value):
        raise _Reached(name)


_CONTEXT = _ProbeContext()


class _ProbeRequest(wsgi.Request):
    @property
    def context(self):
        return _CONTEXT


_local = threading.local()
_probe_lock = threading.Lock()


def _recording(original):
    @functools.wraps(original)
    def validate(schema, data):
        calls = getattr(_local, 'calls', None)
        if calls is None:
            # Another thread serving a real request: validate as always.
            return original(schema, data)
        calls.append((schema, data))
        return None
    return validate


@dataclasses.dataclass
class Probe:
    error: BaseException | None   # what the handler raised (None: nothing)
    schemas: list                 # schemas validated against the body


def versions():
    """Every microversion from the minimum to the maximum, as strings."""
    lo = avr.APIVersionRequest(avr.MIN_VERSION)
    hi = avr.APIVersionRequest(avr.MAX_VERSION)
    return [f'{lo.ver_major}.{minor}'
            for minor in range(lo.ver_minor, hi.ver_minor + 1)]


def in_range(version, low, high):
    return avr.APIVersionRequest(version).matches(low, high)


@dataclasses.dataclass
class Operation:
    method: str
    path: str
    controller: object
    action: str
    # version -> body schema candidates: [(action name or None, schema)]
    bodies: dict = dataclasses.field(default_factory=dict)
    # version -> query schema (when the handler declares one)
    queries: dict = dataclasses.field(default_factory=dict)
    available: list = dataclasses.field(default_factory=list)
    takes_body: bool = False
    fixed_error: int | None = None   # 410/501: the only answer
    action_status: dict = dataclasses.field(default_factory=dict)
    action_param: str | None = None  # path parameter naming the action

    @property
    def handler(self):
        return getattr(self.controller, self.action)

    @property
    def params(self):
        return re.findall(r'{([^}]+)}', self.path)

    @property
    def handler_name(self):
        cls = type(self.controller)
        return f'{cls.__module__}:{cls.__name__}.{self.action}'

    def body_schemas(self, version):
        return [schema for _name, schema in self.bodies.get(version, ())]

    def query_schema(self, version):
        return self.queries.get(version)


def route_rows(router=None):
    """(method, path, controller, action) of every route, in map order.

    The ``/{project_id}``-prefixed copies, HEAD (served as GET) and the
    405 fallbacks are left out; the document says how they behave.
    """
    if router is None:
        from nova.api.openstack.compute import routes
        router = routes.APIRouterV21()
    seen = set()
    for route in router.map.matchlist:
        methods = (route.conditions or {}).get('method')
        resource = route.defaults.get('controller')
        if not methods or not isinstance(resource, wsgi.Resource):
            continue
        path = route.routepath or '/'
        if path.startswith(_PROJECT_PREFIX):
            continue
        for method in methods:
            if method == 'HEAD' or (method, path) in seen:
                continue
            seen.add((method, path))
            yield method, path, resource.controller, route.defaults['action']


def _call(handler, version, method, args):
    req = _ProbeRequest.blank('/probe', method=method)
    req.api_version_request = avr.APIVersionRequest(version)
    _local.calls = []
    error = None
    try:
        handler(req, **args)
    except _Reached:
        pass
    except Exception as exc:  # noqa: BLE001 - the answer is the outcome
        error = exc
    finally:
        calls, _local.calls = _local.calls, None
    body = args.get('body')
    schemas = [schema for schema, data in calls
               if body is not None and data is body]
    return Probe(error, schemas)


def _unavailable(probe):
    return isinstance(probe.error, errors.VersionNotFoundForAPIMethod)


def _fixed_error(probe):
    code = getattr(probe.error, 'code', None)
    if isinstance(probe.error, exception.NovaException) and \
            code in GONE_CODES:
        return code
    return None


def _body_action_names(controller, action):
    """The action names a dispatching handler (``action``) accepts in its
    body, from its ``_ACTIONS`` table; (None, None) if it has none."""
    if action != 'action':
        return None, None
    module = sys.modules[type(controller).__module__]
    table = getattr(controller, '_ACTIONS', None) or \
        getattr(module, '_ACTIONS', None)
    if isinstance(table, dict):
        return list(table), table
    return None, None


def _names_from_refusal(probe):
    """The names a handler lists when it refuses a body ("... one of a,
    b, c."), for dispatching handlers without an ``_ACTIONS`` table."""
    match = re.search(r'one of:?\s+(.+?)\.?$', str(probe.error or ''))
    if not match:
        return []
    return [name.strip() for name in match.group(1).split(',')]


def _action_status(table, name):
    entry = table.get(name) if table else None
    if isinstance(entry, tuple) and isinstance(entry[-1], int) and \
            200 <= entry[-1] < 300:
        return entry[-1]
    return None


def probe_operation(op, all_versions):
    handler = op.handler
    op.takes_body = 'body' in inspect.signature(handler).parameters
    base_args = {name: 'probe' for name in op.params}
    for version in all_versions:
        if getattr(handler, '_query_schemas', None):
            for schema, low, high in handler._query_schemas:
                if in_range(version, low, high):
                    op.queries[version] = schema
                    break
    path_actions = PATH_NAMED_ACTIONS.get(
        (type(op.controller).__name__, op.action))
    if path_actions:
        op.action_param = path_actions[0]
        _probe_named(op, all_versions, base_args, path_actions[1],
                     in_path=path_actions[0])
        return op
    first = None
    for version in all_versions:
        args = dict(base_args)
        if op.takes_body:
            args['body'] = {}
        probe = _call(handler, version, op.method, args)
        first = first or probe
        if _unavailable(probe):
            continue
        op.available.append(version)
        if probe.schemas:
            op.bodies[version] = [(None, probe.schemas[0])]
        if op.fixed_error is None:
            op.fixed_error = _fixed_error(probe)
    if op.takes_body and not op.bodies:
        names, table = _body_action_names(op.controller, op.action)
        if names is None and op.action == 'action' and first is not None:
            names, table = _names_from_refusal(first), None
        if names:
            op.available = []
            _probe_named(op, all_versions, base_args, names, table=table)
    return op


def _probe_named(op, all_versions, base_args, names, in_path=None,
                 table=None):
    """Probe each action name at each version: an action exists at a
    version when its body schema is asked for."""
    for version in all_versions:
        found = []
        for name in names:
            args = dict(base_args)
            if in_path:
                args[in_path] = name
                args['body'] = {}
            else:
                args['body'] = {name: {}}
            probe = _call(op.handler, version, op.method, args)
            if probe.schemas:
                found.append((name, probe.schemas[0]))
                status = _action_status(table, name)
                if status:
                    op.action_status[name] = status
        if found:
            op.available.append(version)
            op.bodies[version] = found


def operations(router=None):
    """Every operation of the v2.1 API, probed at every microversion."""
    objects.register_all()
    all_versions = versions()
    ops = [Operation(method, path, controller, action)
           for method, path, controller, action in route_rows(router)]
    with _probe_lock:
        original = validation.validate
        validation.validate = _recording(original)
        try:
            for op in ops:
                probe_operation(op, all_versions)
        finally:
            validation.validate = original
    return ops


# Status codes, read from the handlers' source --------------------------

def _function_ast(func):
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return None
    return ast.parse(source)


def _codes_in(tree):
    codes = set()
    for node in ast.walk(tree):
        is_code = (isinstance(node, ast.keyword) and node.arg == 'code') \
            or (isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == 'code'
                for t in node.targets))
        if not is_code:
            continue
        value = node.value
        codes.update(n.value for n in ast.walk(value)
                     if isinstance(n, ast.Constant) and
                     isinstance(n.value, int) and not
                     isinstance(n.value, bool))
    return codes


def _raised(func, tree):
    codes = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or node.exc is None:
            continue
        target = node.exc.func if isinstance(node.exc, ast.Call) \
            else node.exc
        cls = _resolve(func, target)
        code = getattr(cls, 'code', None) if inspect.isclass(cls) else None
        if isinstance(code, int):
            codes.add(code)
    return codes


def _resolve(func, node):
    if isinstance(node, ast.Name):
        return func.__globals__.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(func, node.value)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def source_codes(op):
    """(success codes, error codes) of an operation: declared with
    ``@wsgi.response``, in its action table, or written in its source
    (``code=202``, ``raise SomeError``) and that of the helpers it calls
    directly."""
    success, raised = _source_codes_for(op.handler, type(op.controller))
    declared = getattr(op.handler, 'wsgi_code', None)
    if declared:
        success = success | {declared}
    if op.action_status:
        success = success | set(op.action_status.values())
    return sorted(success) or [200], sorted(raised)


def _source_codes_for(func, owner_cls):
    inner = inspect.unwrap(func)
    tree = _function_ast(inner)
    if tree is None:
        return set(), set()
    success, raised = set(), set()
    for one in [inner, *_helpers_of(inner, tree, owner_cls)]:
        one_tree = tree if one is inner else _function_ast(one)
        if one_tree is None:
            continue
        success |= {c for c in _codes_in(one_tree) if 200 <= c < 300}
        raised |= {c for c in _raised(one, one_tree) if c >= 400}
    return success, raised


def _helpers_of(func, tree, owner_cls):
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = None
        if isinstance(node.func, ast.Name):
            target = func.__globals__.get(node.func.id)
        elif isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Name) and \
                node.func.value.id == 'self':
            target = inspect.getattr_static(owner_cls, node.func.attr, None)
            if isinstance(target, (staticmethod, classmethod)):
                target = target.__func__
        if callable(target):
            target = inspect.unwrap(target)
        if inspect.isfunction(target) and \
                target.__module__ == func.__module__ and target is not func:
            found.append(target)
    return found
