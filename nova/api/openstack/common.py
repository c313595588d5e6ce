"""Helpers shared by the controllers: paging, sorting, links, states."""

import urllib.parse

import nova.conf
from nova import exception
from nova.compute import task_states, vm_states

CONF = nova.conf.CONF

# vm_state -> {task_state: status}; the None key is the default.
_STATE_MAP = {
    vm_states.ACTIVE: {
        None: 'ACTIVE',
        task_states.REBOOTING: 'REBOOT',
        task_states.REBOOT_PENDING: 'REBOOT',
        task_states.REBOOT_STARTED: 'REBOOT',
        task_states.REBOOTING_HARD: 'HARD_REBOOT',
        task_states.REBOOT_PENDING_HARD: 'HARD_REBOOT',
        task_states.REBOOT_STARTED_HARD: 'HARD_REBOOT',
        task_states.UPDATING_PASSWORD: 'PASSWORD',
        task_states.REBUILDING: 'REBUILD',
        task_states.REBUILD_BLOCK_DEVICE_MAPPING: 'REBUILD',
        task_states.REBUILD_SPAWNING: 'REBUILD',
        task_states.MIGRATING: 'MIGRATING',
        task_states.RESIZE_PREP: 'RESIZE',
        task_states.RESIZE_MIGRATING: 'RESIZE',
        task_states.RESIZE_MIGRATED: 'RESIZE',
        task_states.RESIZE_FINISH: 'RESIZE',
    },
    vm_states.BUILDING: {None: 'BUILD'},
    vm_states.STOPPED: {
        None: 'SHUTOFF',
        task_states.RESIZE_PREP: 'RESIZE',
        task_states.RESIZE_MIGRATING: 'RESIZE',
        task_states.RESIZE_MIGRATED: 'RESIZE',
        task_states.RESIZE_FINISH: 'RESIZE',
        task_states.REBUILDING: 'REBUILD',
        task_states.REBUILD_BLOCK_DEVICE_MAPPING: 'REBUILD',
        task_states.REBUILD_SPAWNING: 'REBUILD',
    },
    vm_states.RESIZED: {None: 'VERIFY_RESIZE',
                        task_states.RESIZE_REVERTING: 'REVERT_RESIZE'},
    vm_states.PAUSED: {None: 'PAUSED',
                       task_states.MIGRATING: 'MIGRATING'},
    vm_states.SUSPENDED: {None: 'SUSPENDED'},
    vm_states.RESCUED: {None: 'RESCUE'},
    vm_states.ERROR: {None: 'ERROR',
                      task_states.REBUILDING: 'REBUILD',
                      task_states.REBUILD_BLOCK_DEVICE_MAPPING: 'REBUILD',
                      task_states.REBUILD_SPAWNING: 'REBUILD'},
    vm_states.DELETED: {None: 'DELETED'},
    vm_states.SOFT_DELETED: {None: 'SOFT_DELETED'},
    vm_states.SHELVED: {None: 'SHELVED'},
    vm_states.SHELVED_OFFLOADED: {None: 'SHELVED_OFFLOADED'},
}


def status_from_state(vm_state, task_state=None):
    """The API's server status for a (vm_state, task_state) pair."""
    task_map = _STATE_MAP.get(vm_state)
    if task_map is None:
        return 'UNKNOWN'
    return task_map.get(task_state, task_map[None])


def task_and_vm_state_from_status(statuses):
    """(vm_states, task_states) that show as any of ``statuses``.

    task_states is None when any task state matches; unknown statuses
    give empty lists.
    """
    vm_result = set()
    task_result = set()
    any_task = False
    for status in statuses:
        status = status.upper()
        for vm_state, task_map in _STATE_MAP.items():
            for task_state, shown in task_map.items():
                if shown != status:
                    continue
                vm_result.add(vm_state)
                if task_state is None:
                    # The default status of the vm_state: any task state
                    # not mapped to something else.
                    any_task = True
                else:
                    task_result.add(task_state)
    return sorted(vm_result), (None if any_task else sorted(task_result))


def valid_statuses():
    return sorted({s for m in _STATE_MAP.values() for s in m.values()})


# Paging --------------------------------------------------------------------

# The largest value an integer column (and a portable OFFSET) holds: a
# bigger number in a query (minDisk, offset) means "beyond everything".
DB_INT_MAX = 2 ** 31 - 1


def db_int(value):
    """A query's non-negative integer (already validated), capped at
    DB_INT_MAX so that the database is never handed one it cannot hold."""
    return min(int(value), DB_INT_MAX)


def get_limit_and_marker(req, max_limit=None):
    """limit (capped at [api] max_limit) and marker from the query."""
    max_limit = max_limit or CONF.api.max_limit
    limit = req.GET.get('limit')
    if limit is not None:
        try:
            limit = int(limit)
        except ValueError:
            raise exception.ValidationError(
                detail=f'limit must be a non-negative integer, not {limit!r}')
        if limit < 0:
            raise exception.ValidationError(
                detail=f'limit must be a non-negative integer, not {limit}')
        limit = min(limit, max_limit)
    else:
        limit = max_limit
    return limit, req.GET.get('marker')


def get_sort_params(req, default_key='created_at', default_dir='desc'):
    """Lists of sort keys and directions; directions pad to the keys."""
    keys = req.GET.getall('sort_key')
    dirs = req.GET.getall('sort_dir')
    if not keys:
        keys = [default_key]
        dirs = dirs[:1] or [default_dir]
    while len(dirs) < len(keys):
        dirs.append(dirs[-1] if dirs else default_dir)
    return keys, dirs[:len(keys)]


# Links ---------------------------------------------------------------------

def _prefix(req):
    """The URL up to the API version, e.g. http://host:8774/v2.1."""
    base = req.application_url
    if CONF.api.compute_link_prefix:
        parsed = urllib.parse.urlsplit(base)
        prefix = CONF.api.compute_link_prefix.rstrip('/')
        return prefix + parsed.path
    return base


def _bookmark_prefix(req):
    """The same URL without the version path segment."""
    prefix = _prefix(req)
    parsed = urllib.parse.urlsplit(prefix)
    path = parsed.path.rstrip('/')
    segments = path.split('/')
    if segments and segments[-1] in ('v2', 'v2.1'):
        segments = segments[:-1]
    return urllib.parse.urlunsplit(
        (parsed.scheme, parsed.netloc, '/'.join(segments), '', ''))


def resource_links(req, collection, identifier):
    return [
        {'rel': 'self',
         'href': f'{_prefix(req)}/{collection}/{identifier}'},
        {'rel': 'bookmark',
         'href': f'{_bookmark_prefix(req)}/{collection}/{identifier}'},
    ]


def bookmark_link(req, collection, identifier):
    return f'{_bookmark_prefix(req)}/{collection}/{identifier}'


def image_bookmark(req, image_id):
    prefix = CONF.api.glance_link_prefix
    if prefix:
        return '{}/images/{}'.format(prefix.rstrip('/'), image_id)
    return bookmark_link(req, 'images', image_id)


def next_link(req, collection, items, limit, id_key='id'):
    """[{"rel": "next", "href": ...}] when a full page was returned."""
    if not items or len(items) < limit:
        return []
    params = [(k, v) for k, v in req.GET.items() if k != 'marker']
    params.append(('marker', items[-1][id_key]))
    href = f'{_prefix(req)}/{collection}?{urllib.parse.urlencode(params)}'
    return [{'rel': 'next', 'href': href}]


def changes_filters(req, with_before):
    """``changes-since`` and (``with_before``: 2.66) ``changes-before``
    of the query string, as {name: aware datetime}. 400 naming the
    parameter for a value that is not an ISO 8601 time, and when
    changes-since is later than changes-before."""
    from oslo_utils import timeutils
    names = ('changes-since', 'changes-before') if with_before \
        else ('changes-since',)
    found = {}
    for name in names:
        value = req.GET.get(name)
        if value is None:
            continue
        try:
            found[name] = timeutils.parse_isotime(value)
        except ValueError:
            raise exception.ValidationError(
                detail=f'Invalid {name} value {value!r}: use an ISO 8601 '
                       'time such as 2024-01-31T12:00:00Z.')
    if len(found) == 2 and found['changes-since'] > found['changes-before']:
        raise exception.ValidationError(
            detail='The value of changes-since must be less than or equal '
                   'to changes-before.')
    return found
