"""Host states: what the scheduler knows of each candidate host.

A host state joins a compute node of some cell (and its service's
liveness and disabled flag) with what Placement said about it: its
allocation requests and the capacity and usage of its providers.
"""

import threading
import time

from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_utils import timeutils

import nova.conf
from nova import context as nova_context
from nova import objects
from nova.scheduler import host_cache

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Seconds the scheduler keeps its list of cells: cells change rarely, and
# reading them is one statement per request otherwise.
CELLS_TTL = 60

AZ_KEY = 'availability_zone'
# Base states of deleted nodes kept before they are all forgotten.
PRUNE_SLACK = 100


def availability_zones(ctxt):
    """{host: zone} from the aggregates that name a zone, if the
    deployment has aggregates; other hosts are in the default zone."""
    agg_list = getattr(objects, 'AggregateList', None)
    if agg_list is None or not hasattr(agg_list, 'get_by_metadata_key'):
        return {}
    zones = {}
    for agg in agg_list.get_by_metadata_key(ctxt, AZ_KEY):
        zone = (agg.metadata or {}).get(AZ_KEY)
        for host in agg.hosts or []:
            zones[host] = zone
    return zones


def host_availability_zone(ctxt, host):
    """The zone of ``host`` (``[DEFAULT] default_availability_zone`` if
    no aggregate names one)."""
    return availability_zones(ctxt).get(host) or \
        CONF.default_availability_zone


def _field(obj, name, default=None):
    if hasattr(obj, 'obj_attr_is_set') and not obj.obj_attr_is_set(name):
        return default
    return getattr(obj, name, default)


def _failed_builds(compute_node):
    stats = _field(compute_node, 'stats') or {}
    if isinstance(stats, str):
        try:
            stats = jsonutils.loads(stats)
        except ValueError:
            return 0
    try:
        return int(stats.get('failed_builds', 0))
    except (TypeError, ValueError, AttributeError):
        return 0


class HostState:
    """One compute node as a scheduling candidate."""

    def __init__(self, compute_node, cell_uuid, service=None,
                 service_up=False, availability_zone=None):
        self.uuid = compute_node.uuid
        self.host = compute_node.host
        self.nodename = compute_node.hypervisor_hostname
        self.cell_uuid = cell_uuid
        self.service = service
        self.service_up = service_up
        self.service_disabled = bool(service is None or service.disabled)
        self.disabled_reason = (service.disabled_reason
                                if service is not None else None)
        self.availability_zone = (availability_zone
                                  or CONF.default_availability_zone)
        self.allocation_requests = []
        # rc -> {'capacity': n, 'used': n} of the root provider.
        self.resources = {}
        self.traits = set()
        self.limits = {}
        self.host_ip = _field(compute_node, 'host_ip')
        self.hypervisor_type = _field(compute_node, 'hypervisor_type')
        self.hypervisor_version = _field(compute_node, 'hypervisor_version',
                                         0) or 0
        self.hypervisor_hostname = self.nodename
        self.vcpus = _field(compute_node, 'vcpus', 0)
        self.memory_mb = _field(compute_node, 'memory_mb', 0)
        self.local_gb = _field(compute_node, 'local_gb', 0)
        try:
            self.cpu_info = jsonutils.loads(
                _field(compute_node, 'cpu_info') or '{}')
        except ValueError:
            self.cpu_info = {}
        self.aggregates = []
        # uuid -> the live instances on this host (anything with uuid,
        # vm_state and task_state: host_cache.InstanceInfo here).
        self.instances = {}
        self.num_io_ops = 0
        # Builds that failed here in a row, as the compute reports them
        # (its node's stats).
        self.failed_builds = _failed_builds(compute_node)

    @property
    def num_instances(self):
        return len(self.instances)

    def set_instances(self, instances):
        """``instances``: a list, or a {uuid: instance} dict that is
        shared, never changed in place."""
        if not isinstance(instances, dict):
            instances = {inst.uuid: inst for inst in instances}
        self.instances = instances
        self.num_io_ops = sum(1 for inst in instances.values()
                              if host_cache.is_io_heavy(inst))

    def for_request(self):
        """A copy to fill with one request's Placement data; what it
        shares with this one (instances, cpu_info) is never changed in
        place."""
        # (copy.copy, without its generic protocol: 1,000 per request)
        state = object.__new__(HostState)
        state.__dict__.update(self.__dict__)
        state.allocation_requests = []
        state.resources = {}
        state.traits = set()
        state.limits = {}
        return state

    def aggregate_metadata(self, key):
        """The values of ``key`` in the metadata of this host's
        aggregates (a set of strings)."""
        return {agg.metadata[key] for agg in self.aggregates
                if key in (agg.metadata or {})}

    def __repr__(self):
        return (f'<HostState {self.host}/{self.nodename} in cell '
                f'{self.cell_uuid}>')

    def free(self, rc):
        res = self.resources.get(rc)
        return res.get('capacity', 0) - res.get('used', 0) if res else 0

    @property
    def free_ram_mb(self):
        return self.free('MEMORY_MB')

    @property
    def free_vcpus(self):
        return self.free('VCPU')

    @property
    def free_disk_gb(self):
        return self.free('DISK_GB')

    def fits(self, resources):
        """Whether what Placement reported leaves room for ``resources``
        (after the instances this request already put here)."""
        return all(self.free(rc) >= amount
                   for rc, amount in resources.items()
                   if rc in self.resources)

    def consume(self, resources, instance_uuid=None):
        """Account for an instance just claimed here, so that the next
        instance of the same request weighs this host as fuller (and
        counts the instance)."""
        for rc, amount in resources.items():
            if rc in self.resources:
                res = self.resources[rc]
                res['used'] = res.get('used', 0) + amount
        if instance_uuid is not None:
            info = host_cache.InstanceInfo(instance_uuid, self.host,
                                           self.nodename, 'building', None)
            self.set_instances(dict(self.instances, **{instance_uuid: info}))


def _roots(allocation_requests, summaries):
    """Root provider (the compute node) of each allocation request."""
    roots = []
    for areq in allocation_requests:
        rp = next(iter(areq['allocations']))
        summary = summaries.get(rp, {})
        roots.append(summary.get('root_provider_uuid') or rp)
    return roots


def _heartbeat_only(old, new):
    """Whether two rows of a service differ only by a heartbeat."""
    if old is None or new is None:
        return False
    return old._replace(last_seen_up=None, updated_at=None) == \
        new._replace(last_seen_up=None, updated_at=None)


class HostManager:
    """Builds host states from Placement's answer and the cell DBs.

    The cells' compute nodes, services and instances are cached between
    requests and refreshed incrementally (:mod:`nova.scheduler.host_cache`);
    a host state's base (what comes from the DB) is rebuilt only when its
    node or service row changed.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._caches = {}     # cell uuid -> host_cache.CellHostCache
        # node uuid -> (NodeInfo, ServiceInfo, base HostState)
        self._bases = {}
        self._cell_list = (None, 0.0)    # (cells, when read)

    def _cells(self, ctxt):
        """The cells with hosts, read at most once per CELLS_TTL seconds
        (a cell added with nova-manage is scheduled to within that time,
        or at once after a SIGHUP)."""
        with self._lock:
            cells, read_at = self._cell_list
            if cells is not None and \
                    time.monotonic() - read_at < CELLS_TTL:
                return cells
        cells = [cell for cell in objects.CellMappingList.get_all(ctxt)
                 if not cell.is_cell0()]
        with self._lock:
            self._cell_list = (cells, time.monotonic())
        return cells

    def forget_cells(self):
        """Read the cell list again at the next request (SIGHUP)."""
        with self._lock:
            self._cell_list = (None, 0.0)

    def _cache(self, cell_uuid):
        with self._lock:
            cache = self._caches.get(cell_uuid)
            if cache is None:
                cache = self._caches[cell_uuid] = \
                    host_cache.CellHostCache(cell_uuid)
            return cache

    def _refresh(self, cctxt, cell_uuid):
        cache = self._cache(cell_uuid)
        cache.refresh(cctxt)
        return cache

    def _refresh_cells(self, ctxt, cells):
        """{cell uuid: CellHostCache or what went wrong}."""
        with self._lock:
            known = {cell.uuid for cell in cells}
            for gone in set(self._caches) - known:
                del self._caches[gone]
        if len(cells) == 1:
            # No thread pool for the usual single cell.
            cell = cells[0]
            try:
                with nova_context.target_cell(ctxt, cell) as cctxt:
                    return {cell.uuid: self._refresh(cctxt, cell.uuid)}
            except Exception as exc:  # noqa: BLE001 reported as a failed cell
                return {cell.uuid: exc}
        return nova_context.scatter_gather_cells(
            ctxt, cells, lambda cctxt: self._refresh(
                cctxt, cctxt.cell_uuid))

    def _prune_bases(self):
        """Forget the base states of nodes no cell has any more."""
        known = set()
        for cache in list(self._caches.values()):
            known.update(cache.nodes)
        if len(self._bases) > len(known) + PRUNE_SLACK:
            self._bases = {u: b for u, b in self._bases.items()
                           if u in known}

    @staticmethod
    def _aggregates(ctxt):
        """({host: [Aggregate]}, {host: zone}) from one listing."""
        by_host, zones = {}, {}
        for agg in objects.AggregateList.get_all(ctxt):
            zone = (agg.metadata or {}).get(AZ_KEY)
            for host in agg.hosts or []:
                by_host.setdefault(host, []).append(agg)
                if zone:
                    zones[host] = zone
        return by_host, zones

    def _base(self, cell_uuid, node, service):
        """The DB part of a node's host state, rebuilt only when its
        node or service row changed."""
        known = self._bases.get(node.uuid)
        if (known is not None and known[0] is node and
                known[2].cell_uuid == cell_uuid):
            if known[1] is service:
                return known[2]
            if _heartbeat_only(known[1], service):
                # The common change (every report_interval): only the
                # liveness the requests compute from these two moves on.
                known[2].service.last_seen_up = service.last_seen_up
                known[2].service.updated_at = service.updated_at
                self._bases[node.uuid] = (node, service, known[2])
                return known[2]
        state = HostState(
            node, cell_uuid,
            service=(host_cache.service_record(service)
                     if service is not None else None))
        self._bases[node.uuid] = (node, service, state)
        return state

    def placed(self, state, instance_uuid):
        """The request put ``instance_uuid`` on ``state``'s node: the next
        requests count it there before the cell DB does."""
        self._cache(state.cell_uuid).placed(state.host, state.nodename,
                                            instance_uuid)

    def forget(self, states_and_uuids):
        """Placements of a failed request: [(state, instance uuid)]."""
        by_cell = {}
        for state, uuid in states_and_uuids:
            by_cell.setdefault(state.cell_uuid, []).append(uuid)
        for cell_uuid, uuids in by_cell.items():
            self._cache(cell_uuid).forget(uuids)

    def get_host_states(self, ctxt, allocation_requests, summaries):
        """(host states, uuids of providers no cell knows as a node,
        names of the cells that did not answer).

        Each host state carries the allocation requests whose root
        provider is its compute node.
        """
        roots = _roots(allocation_requests, summaries)
        wanted = sorted(set(roots))
        results = self._refresh_cells(ctxt, self._cells(ctxt))
        self._prune_bases()
        aggregates, zones = self._aggregates(ctxt)
        now = timeutils.utcnow().replace(tzinfo=None)
        down_time = CONF.service_down_time
        default_zone = CONF.default_availability_zone
        states = {}
        failed = []
        for cell_uuid, cache in results.items():
            if not isinstance(cache, host_cache.CellHostCache):
                failed.append(cell_uuid)
                LOG.warning('Cell %s gave no compute nodes (%s); its hosts '
                            'are left out of this request', cell_uuid,
                            'timeout' if cache is
                            nova_context.did_not_respond_sentinel
                            else cache)
                continue
            nodes, services = cache.nodes, cache.services
            instances, io_ops = cache.instances, cache.io_ops
            for uuid in wanted:
                node = nodes.get(uuid)
                if node is None:
                    continue
                service = services.get(node.host)
                state = self._base(cell_uuid, node, service).for_request()
                state.service_up = (service is not None and
                                    host_cache.service_up(service, now,
                                                          down_time))
                state.availability_zone = (zones.get(node.host) or
                                           default_zone)
                summary = summaries.get(uuid, {})
                # This request's own copy of Placement's answer: the
                # state may change its 'used' (consume) in place.
                state.resources = summary.get('resources', {})
                state.traits = set(summary.get('traits') or ())
                state.aggregates = aggregates.get(node.host, [])
                key = (node.host, node.hypervisor_hostname)
                state.instances = instances.get(key, {})
                state.num_io_ops = io_ops.get(key, 0)
                states[uuid] = state
        for root, areq in zip(roots, allocation_requests):
            if root in states:
                states[root].allocation_requests.append(areq)
        missing = [u for u in wanted if u not in states]
        if missing:
            LOG.warning('Placement proposed providers that are no compute '
                        'node of any cell: %s', ', '.join(missing))
        return [states[u] for u in wanted if u in states], missing, failed
