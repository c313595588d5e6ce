"""Where the members of a request's server group run.

Counted once per request, from the group's members' instances in every
cell, plus the members this scheduler placed lately whose compute has
not yet recorded its host (so that racing requests see each other), and
then kept on the RequestSpec being scheduled: each instance placed adds
its host, so that the next instance of the same multi-create request
sees it.
"""

import collections
import contextlib
import threading
import time

from nova import objects
from nova.scheduler import utils

# Not a field of the RequestSpec: lives only while it is scheduled.
_ATTR = '_scheduling_group_hosts'

# How long a placement made here counts while the cell does not show
# the member's host yet (the build has not reached its compute).
RECENT_SECONDS = 120

_lock = threading.Lock()
_group_locks = collections.defaultdict(threading.Lock)
# group uuid -> {instance uuid: (host, monotonic time placed)}
_recent = collections.defaultdict(dict)


def group_of(spec):
    return utils.spec_field(spec, 'instance_group')


def policy_of(group):
    policies = utils.spec_field(group, 'policies') or []
    return policies[0] if policies else None


def max_server_per_host(group):
    """The anti-affinity rule of the group (API 2.64), else 1."""
    # Not a field of our InstanceGroup yet (2.64 is above our maximum).
    if 'rules' in getattr(group, 'fields', {}):
        rules = utils.spec_field(group, 'rules')
    else:
        rules = getattr(group, 'rules', None)
    rules = rules or {}
    try:
        return max(1, int(rules.get('max_server_per_host', 1)))
    except (TypeError, ValueError):
        return 1


def hosts_of(spec):
    """Counter {host: members there} for ``spec`` (empty if not set)."""
    return getattr(spec, _ATTR, None) or collections.Counter()


def set_hosts(spec, hosts):
    object.__setattr__(spec, _ATTR, collections.Counter(hosts))


@contextlib.contextmanager
def scheduling(spec):
    """One request of a group at a time in this scheduler: the next one
    must see where the previous one placed its members."""
    group = group_of(spec)
    if group is None or policy_of(group) is None:
        yield
        return
    with _lock:
        group_lock = _group_locks[group.uuid]
    with group_lock:
        yield


def prepare(ctxt, spec, instance_uuids):
    """Count the hosts of the group's members, leaving out the instances
    being scheduled (they have no host to count yet, or a failed one)."""
    group = group_of(spec)
    if group is None or policy_of(group) is None:
        set_hosts(spec, {})
        return
    exclude = set(instance_uuids or ())
    members = objects.InstanceGroup.get_member_hosts(
        ctxt, group.uuid, exclude=list(exclude))
    now = time.monotonic()
    hosts = collections.Counter()
    with _lock:
        recent = _recent[group.uuid]
        # A member placed here may not be in its cell yet (the conductor
        # creates it after scheduling) or have no host there yet.
        for uuid, (host, when) in list(recent.items()):
            if members.get(uuid) or now - when > RECENT_SECONDS:
                del recent[uuid]   # recorded by its compute, or old
            elif uuid not in exclude:
                hosts[host] += 1
        for host in members.values():
            if host:
                hosts[host] += 1
    set_hosts(spec, hosts)


def placed(spec, host, instance_uuid=None):
    """Another instance of this request went to ``host``."""
    group = group_of(spec)
    if group is not None:
        hosts = hosts_of(spec)
        hosts[host] += 1
        set_hosts(spec, hosts)
        if instance_uuid:
            with _lock:
                _recent[group.uuid][instance_uuid] = (host, time.monotonic())


def forget(spec, instance_uuids):
    """These placements were undone."""
    group = group_of(spec)
    if group is not None:
        with _lock:
            for uuid in instance_uuids:
                _recent[group.uuid].pop(uuid, None)
