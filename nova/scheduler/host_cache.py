"""What the scheduler keeps of each cell's hosts between requests.

Loading every compute node, service and instance of the candidate hosts
for each request was most of the scheduler's time (and it grew with the
hosts). A :class:`CellHostCache` loads them once, then, before each
request, reads only the rows changed since its last refresh (by
``updated_at``, ``created_at`` and ``deleted_at``, deleted rows too):
three small queries, whatever the number of hosts.

* Compute nodes: new ones appear, changed ones are replaced, deleted
  ones go.
* Services: a deleted service's hosts go; a disabled one is kept with
  its flag (the ComputeFilter says why it is rejected). Liveness is
  computed at each request from the cached heartbeat (``last_seen_up``),
  since a dead service writes nothing.
* Instances: only what the filters and weighers need (uuid, host, node,
  vm_state, task_state), per host.

The instances the scheduler itself placed are recorded at once
(:meth:`CellHostCache.placed`), before any cell DB holds them, so the
next request counts them; the DB's row replaces the record when it shows
up, and a record the DB never confirms expires after
:data:`PLACED_TTL` seconds.

The timestamps are written with second precision by other processes,
each row a little before its transaction commits: each refresh reads back
:data:`OVERLAP` seconds before the previous one started, and applying a
row twice is harmless.

The rows come from :mod:`nova.objects.host_rows` (a few columns, with a
"changed since" query).
"""

import collections
import datetime
import threading
import time

from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_utils import timeutils

from nova.objects import host_rows
from nova.objects.host_rows import InstanceInfo

LOG = logging.getLogger(__name__)

# Seconds each incremental refresh reads back before the previous one.
OVERLAP = 2
# Seconds a placed instance counts on its host without a DB row.
PLACED_TTL = 300

# Instance states that keep a host's disks or network busy.
IO_VM_STATES = frozenset(('building',))
IO_TASK_STATES = frozenset((
    'spawning', 'resize_migrating', 'resize_migrated', 'resize_finish',
    'rebuilding', 'rebuild_spawning', 'image_snapshot',
    'image_pending_upload', 'image_uploading', 'image_backup', 'rescuing',
    'unshelving', 'shelving_image_uploading'))


def is_io_heavy(instance):
    return (getattr(instance, 'vm_state', None) in IO_VM_STATES or
            getattr(instance, 'task_state', None) in IO_TASK_STATES)


def _now():
    """Naive UTC with seconds, as the DB's DateTime columns hold it."""
    return timeutils.utcnow().replace(tzinfo=None, microsecond=0)


class CellHostCache:
    """The compute nodes, services and instances of one cell, kept
    current by :meth:`refresh`. Readers get immutable snapshots: a
    refresh replaces the dicts it changes instead of mutating them."""

    def __init__(self, cell_uuid):
        self.cell_uuid = cell_uuid
        self._lock = threading.Lock()
        self.since = None
        self.nodes = {}           # node uuid -> NodeInfo
        self.services = {}        # host -> ServiceInfo
        self._hosts = {}          # instance uuid -> host (as in the DB)
        self._by_host = {}        # host -> {uuid: InstanceInfo}
        self._placed = {}         # uuid -> (InstanceInfo, monotonic time)
        # (host, node) -> {uuid: InstanceInfo}: what host states share,
        # and how many of them are I/O heavy.
        self.instances = {}
        self.io_ops = {}
        self.version = 0          # bumped by every change

    def refresh(self, cctxt):
        """Bring the cache up to date (a full load the first time)."""
        with self._lock:
            started = _now()
            since = (None if self.since is None else
                     self.since - datetime.timedelta(seconds=OVERLAP))
            nodes, services, instances = host_rows.load(cctxt, since)
            if since is None:
                self.nodes, self.services = {}, {}
                self._hosts, self._by_host = {}, {}
            changed = self._apply(nodes, services, instances,
                                  full=since is None)
            self.since = started
            if changed:
                self.version += 1
            return changed

    def _instance_changed(self, info, deleted):
        if info.uuid in self._placed:
            return True
        current = self._by_host.get(self._hosts.get(info.uuid), {}).get(
            info.uuid)
        return current is not None if deleted else current != info

    def _apply(self, nodes, services, instances, full):
        # A row read again unchanged (the overlap) changes nothing: the
        # host states built on it stay.
        nodes = [(n, d) for n, d in nodes
                 if d or self.nodes.get(n.uuid) != n]
        services = [(v, d) for v, d in services
                    if d or self.services.get(v.host) != v]
        instances = [(i, d) for i, d in instances
                     if self._instance_changed(i, d)]
        if not (full or nodes or services or instances or self._placed):
            return False
        node_map = dict(self.nodes)
        for node, deleted in nodes:
            if deleted:
                node_map.pop(node.uuid, None)
            else:
                node_map[node.uuid] = node
        svc_map = dict(self.services)
        for svc, deleted in services:
            if deleted:
                if svc_map.get(svc.host, svc).id == svc.id:
                    svc_map.pop(svc.host, None)
            else:
                svc_map[svc.host] = svc
        dirty = set()
        for inst, deleted in instances:
            old = self._hosts.pop(inst.uuid, None)
            if old is not None:
                self._by_host[old].pop(inst.uuid, None)
                dirty.add(old)
            placed = self._placed.pop(inst.uuid, None)
            if placed is not None:
                dirty.add(placed[0].host)
            if not deleted and inst.host:
                self._hosts[inst.uuid] = inst.host
                self._by_host.setdefault(inst.host, {})[inst.uuid] = inst
                dirty.add(inst.host)
        expired = time.monotonic() - PLACED_TTL
        for uuid, (info, at) in list(self._placed.items()):
            if at < expired:
                del self._placed[uuid]
                dirty.add(info.host)
        if full:
            dirty.update(n.host for n in node_map.values())
        else:
            dirty.update(node.host for node, _deleted in nodes)
        self.nodes, self.services = node_map, svc_map
        if dirty:
            self._index(dirty)
        return bool(full or nodes or services or dirty)

    def _index(self, hosts):
        """Rebuild the per-node instance dicts of ``hosts``."""
        index, io_ops = dict(self.instances), dict(self.io_ops)
        for key in [k for k in index if k[0] in hosts]:
            del index[key]
            io_ops.pop(key, None)
        placed = collections.defaultdict(dict)
        for info, _at in self._placed.values():
            if info.host in hosts:
                placed[info.host][info.uuid] = info
        for node in self.nodes.values():
            if node.host not in hosts:
                continue
            on_host = dict(self._by_host.get(node.host, {}))
            on_host.update(placed.get(node.host, {}))
            key = (node.host, node.hypervisor_hostname)
            index[key] = {u: i for u, i in on_host.items()
                          if i.node in (None, node.hypervisor_hostname)}
            io_ops[key] = sum(1 for i in index[key].values()
                              if is_io_heavy(i))
        # Readers take the two attributes one after the other: a reader
        # between both assignments sees at worst a count one change old.
        self.instances, self.io_ops = index, io_ops

    def placed(self, host, node, instance_uuid):
        """The scheduler put ``instance_uuid`` on host/node: count it
        there until the cell DB shows the instance."""
        info = InstanceInfo(instance_uuid, host, node, 'building', None)
        with self._lock:
            self._placed[instance_uuid] = (info, time.monotonic())
            self._index({host})
            self.version += 1

    def forget(self, instance_uuids):
        """Placements undone (the request failed after all)."""
        with self._lock:
            hosts = {self._placed.pop(u)[0].host for u in instance_uuids
                     if u in self._placed}
            if hosts:
                self._index(hosts)
                self.version += 1


def service_up(info, now, down_time):
    """Whether the service of ``info`` is up at ``now`` (naive UTC): the
    rule of :meth:`nova.servicegroup.API.service_is_up` (forced down, or
    no heartbeat within ``down_time`` seconds, is down) on the cached
    row, without making an object per host and request."""
    if info.forced_down:
        return False
    last = info.last_seen_up or info.updated_at or info.created_at
    if last is None:
        return False
    if last.tzinfo is not None:
        last = last.astimezone(datetime.UTC).replace(tzinfo=None)
    return abs((now - last).total_seconds()) <= down_time


def service_record(info):
    """A ServiceInfo as the Service the filters and servicegroup see."""
    from nova import objects
    svc = objects.Service(
        id=info.id, host=info.host, binary='nova-compute',
        disabled=bool(info.disabled), disabled_reason=info.disabled_reason,
        last_seen_up=info.last_seen_up, forced_down=bool(info.forced_down),
        updated_at=info.updated_at, created_at=info.created_at)
    svc.obj_reset_changes()
    return svc


def cpu_info(node):
    try:
        return jsonutils.loads(node.cpu_info or '{}')
    except ValueError:
        return {}
