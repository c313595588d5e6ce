"""Quotas: the limits of a project (or of one user in it) and its usage.

A limit is, first found: the user's override (``project_user_quotas``),
the project's override (``quotas``), the ``default`` quota class
(``quota_classes``), then ``[quota]`` in the configuration. -1 means
unlimited. Usage is counted from the databases when needed (no
reservations): servers, cores and RAM from every cell plus the build
requests not yet scheduled, key pairs and server groups from the API DB.
"""

import collections
import contextlib
import threading

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.i18n import _

CONF = nova.conf.CONF

DEFAULT_CLASS = 'default'

# resource -> [quota] option holding its default.
_OPTIONS = {
    'instances': 'instances',
    'cores': 'cores',
    'ram': 'ram',
    'metadata_items': 'metadata_items',
    'key_pairs': 'key_pairs',
    'server_groups': 'server_groups',
    'server_group_members': 'server_group_members',
    'injected_files': 'injected_files',
    'injected_file_content_bytes': 'injected_file_content_bytes',
    'injected_file_path_bytes': 'injected_file_path_length',
}

# Network resources the API shows before microversion 2.36 (quota sets)
# or 2.50 (quota classes). Networking is not this service's: they are
# kept and shown, never enforced.
NETWORK_DEFAULTS = {
    'floating_ips': 10,
    'fixed_ips': -1,
    'security_groups': 10,
    'security_group_rules': 20,
}

RESOURCES = tuple(_OPTIONS)
ALL_RESOURCES = RESOURCES + tuple(NETWORK_DEFAULTS)
# Counted per project (or user); the others limit one request.
COUNTED = ('instances', 'cores', 'ram', 'key_pairs', 'server_groups')


def config_defaults():
    limits = {res: getattr(CONF.quota, opt) for res, opt in _OPTIONS.items()}
    limits.update(NETWORK_DEFAULTS)
    return limits


def class_limits(ctxt, class_name=DEFAULT_CLASS):
    """The limits of a quota class: its overrides over the defaults."""
    limits = config_defaults()
    overrides = objects.Quotas.get_class_limits(ctxt, class_name)
    limits.update({k: v for k, v in overrides.items() if k in limits})
    return limits


def project_limits(ctxt, project_id, user_id=None):
    """The limits of a project, or of ``user_id`` in it."""
    limits = class_limits(ctxt)
    overrides = objects.Quotas.get_project_limits(ctxt, project_id)
    limits.update({k: v for k, v in overrides.items() if k in limits})
    if user_id:
        overrides = objects.Quotas.get_user_limits(ctxt, project_id, user_id)
        limits.update({k: v for k, v in overrides.items() if k in limits})
    return limits


def scoped_limits(ctxt, project_id, user_id):
    """{'project': limits, 'user': limits}, reading the class, project and
    user overrides once each (a boot checks both scopes twice)."""
    project = project_limits(ctxt, project_id)
    user = dict(project)
    overrides = objects.Quotas.get_user_limits(ctxt, project_id, user_id)
    user.update({k: v for k, v in overrides.items() if k in user})
    return {'project': project, 'user': user}


def _server_usage(ctxt, project_id, user_id=None):
    """{'project': {...}, 'user': {...}} of instances, cores and ram."""
    scopes = ['project'] + (['user'] if user_id else [])
    usage = {s: {'instances': 0, 'cores': 0, 'ram': 0} for s in scopes}
    # Build requests first, then the cells without their instances: the
    # conductor creates an instance in its cell before it deletes the build
    # request, and such an instance must be counted once, not twice.
    build_requests = objects.BuildRequestList.get_by_filters(
        ctxt, {'project_id': project_id})
    cells = objects.CellMappingList.get_all(ctxt)
    results = nova_context.scatter_gather_cells(
        ctxt, cells, objects.InstanceList.get_counts, project_id,
        user_id=user_id,
        exclude_uuids=[br.instance_uuid for br in build_requests])
    for result in results.values():
        if isinstance(result, dict):
            for scope in scopes:
                for key, value in result[scope].items():
                    usage[scope][key] += value
    for build_request in build_requests:
        instance = build_request.instance
        flavor = instance.flavor
        for scope in scopes:
            if scope == 'user' and instance.user_id != user_id:
                continue
            usage[scope]['instances'] += 1
            usage[scope]['cores'] += flavor.vcpus
            usage[scope]['ram'] += flavor.memory_mb
    return usage


def usage(ctxt, project_id, user_id=None):
    """What the project (or the user in it) uses of each resource.

    Key pairs belong to users: a project's count is that of ``user_id``
    (or of the requesting user), as the Compute API has always shown.
    """
    servers = _server_usage(ctxt, project_id, user_id)
    used = {res: 0 for res in ALL_RESOURCES}
    used.update(servers['user' if user_id else 'project'])
    used['key_pairs'] = objects.Quotas.count_key_pairs(
        ctxt, user_id or ctxt.user_id)
    used['server_groups'] = objects.Quotas.count_server_groups(
        ctxt, project_id, user_id)
    return used


def check_instances(ctxt, flavor, min_count, max_count, limits=None):
    """How many of ``max_count`` servers of ``flavor`` the project and
    user may boot (at least ``min_count``, or ``TooManyInstances``).
    ``limits``: :func:`scoped_limits`, if the caller has them."""
    project_id, user_id = ctxt.project_id, ctxt.user_id
    per_instance = {'instances': 1, 'cores': flavor.vcpus,
                    'ram': flavor.memory_mb}
    scopes = limits or scoped_limits(ctxt, project_id, user_id)
    if all(scopes[s][r] < 0 for s in scopes for r in per_instance):
        return max_count
    counted = _server_usage(ctxt, project_id, user_id)
    allowed = max_count
    over = None
    for scope, scope_limits in scopes.items():
        used = counted[scope]
        for resource, each in per_instance.items():
            limit = scope_limits[resource]
            if limit < 0 or not each:
                continue
            fits = max(0, (limit - used[resource]) // each)
            allowed = min(allowed, fits)
            if over is None and used[resource] + each * min_count > limit:
                over = (resource, used[resource], limit)
    if allowed < min_count:
        resource, used, limit = over or ('instances', 0, 0)
        raise exception.TooManyInstances(
            overs=resource, req=per_instance[resource] * min_count,
            used=used, allowed=limit)
    return allowed


def recheck_instances(ctxt, flavor, limits=None):
    """After a boot wrote its build requests: raise TooManyInstances if
    the project or the user is now over a limit of instances, cores or
    RAM (a racing boot got there too). The caller removes what it wrote.
    ``limits``: those the check used (a race is about usage, not limits).
    """
    project_id, user_id = ctxt.project_id, ctxt.user_id
    scopes = limits or scoped_limits(ctxt, project_id, user_id)
    if all(limit < 0 for scope_limits in scopes.values()
           for res, limit in scope_limits.items()
           if res in ('instances', 'cores', 'ram')):
        return
    counted = _server_usage(ctxt, project_id, user_id)
    each = {'instances': 1, 'cores': flavor.vcpus, 'ram': flavor.memory_mb}
    for scope, scope_limits in scopes.items():
        for resource in ('instances', 'cores', 'ram'):
            limit, used = scope_limits[resource], counted[scope][resource]
            if 0 <= limit < used:
                raise exception.TooManyInstances(
                    overs=resource, req=each[resource], used=used,
                    allowed=limit)


# One boot of a project at a time in this process checks, writes and
# rechecks, so that racing boots here get exactly the quota; boots in
# other API processes are held to it by the recheck (which may then
# refuse both of two racers).
_boot_locks = collections.defaultdict(threading.Lock)
_boot_locks_guard = threading.Lock()


@contextlib.contextmanager
def boot_guard(ctxt):
    with _boot_locks_guard:
        lock = _boot_locks[ctxt.project_id]
    with lock:
        yield


class QuotaBelowUsage(exception.Invalid):
    msg_fmt = _('Quota limit %(limit)s for %(resource)s must be greater '
                'than or equal to what is already used (%(used)s); send '
                '"force": true to set it anyway.')


class UserQuotaAboveProject(exception.Invalid):
    msg_fmt = _('Quota limit %(limit)s for %(resource)s of the user is '
                'above the project\'s limit %(project_limit)s.')


def update_limits(ctxt, project_id, limits, user_id=None, force=False):
    """Store new limits of a project (or a user in it) after checking
    they make sense: not below usage (unless ``force``), and a user's
    not above the project's. Nothing is written if one is wrong."""
    if not force:
        used = usage(ctxt, project_id, user_id)
        for resource, limit in limits.items():
            if resource in COUNTED and limit >= 0 and limit < used[resource]:
                raise QuotaBelowUsage(limit=limit, resource=resource,
                                      used=used[resource])
    if user_id:
        project = project_limits(ctxt, project_id)
        for resource, limit in limits.items():
            top = project[resource]
            if top >= 0 and (limit < 0 or limit > top):
                raise UserQuotaAboveProject(limit=limit, resource=resource,
                                            project_limit=top)
        objects.Quotas.set_user_limits(ctxt, project_id, user_id, limits)
    else:
        objects.Quotas.set_project_limits(ctxt, project_id, limits)


class ServerGroupQuotaExceeded(exception.OverQuota):
    msg_fmt = _('Quota exceeded, too many server groups: %(used)s of '
                '%(allowed)s are used.')


class ServerGroupMembersQuotaExceeded(exception.OverQuota):
    msg_fmt = _('Quota exceeded, too many servers in server group '
                '%(group_uuid)s: %(used)s of %(allowed)s are used, '
                '%(req)s more requested.')


def check_server_groups(ctxt, project_id, user_id):
    """Raise ServerGroupQuotaExceeded unless the project and the user
    may create one more server group."""
    for scope_user in (None, user_id):
        limit = project_limits(ctxt, project_id, scope_user)['server_groups']
        if limit < 0:
            continue
        used = objects.Quotas.count_server_groups(ctxt, project_id,
                                                  scope_user)
        if used + 1 > limit:
            raise ServerGroupQuotaExceeded(used=used, allowed=limit)


def check_server_group_members(ctxt, group, count):
    """Raise ServerGroupMembersQuotaExceeded unless the requesting user
    may add ``count`` servers to ``group`` (0: the recheck once they are
    added: is the user within the limit?)."""
    limit = project_limits(ctxt, ctxt.project_id,
                           ctxt.user_id)['server_group_members']
    if limit < 0:
        return
    used = objects.InstanceGroup.count_members_by_user(
        ctxt, group.uuid, ctxt.user_id)
    if used + count > limit:
        raise ServerGroupMembersQuotaExceeded(
            group_uuid=group.uuid, used=used, allowed=limit, req=count)
