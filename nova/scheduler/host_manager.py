"""Host states: what the scheduler knows of each candidate host.

A host state joins a compute node of some cell (and its service's
liveness and disabled flag) with what Placement said about it: its
allocation requests and the capacity and usage of its providers.
"""

from oslo_log import log as logging
from oslo_serialization import jsonutils

import nova.conf
from nova import context as nova_context
from nova import objects, servicegroup

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

AZ_KEY = 'availability_zone'


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


# Instance states that keep a host's disks or network busy.
_IO_VM_STATES = ('building',)
_IO_TASK_STATES = ('spawning', 'resize_migrating', 'resize_migrated',
                   'resize_finish', 'rebuilding', 'rebuild_spawning',
                   'image_snapshot', 'image_pending_upload',
                   'image_uploading', 'image_backup', 'rescuing',
                   'unshelving', 'shelving_image_uploading')


def _is_io_heavy(instance):
    return (_field(instance, 'vm_state') in _IO_VM_STATES or
            _field(instance, 'task_state') in _IO_TASK_STATES)


def _field(obj, name, default=None):
    if hasattr(obj, 'obj_attr_is_set') and not obj.obj_attr_is_set(name):
        return default
    return getattr(obj, name, default)


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
        # uuid -> Instance of the live instances on this host.
        self.instances = {}
        self.num_io_ops = 0
        # Builds that failed here lately: no compute reports them yet,
        # so this stays 0 until one does.
        self.failed_builds = 0

    @property
    def num_instances(self):
        return len(self.instances)

    def set_instances(self, instances):
        self.instances = {inst.uuid: inst for inst in instances}
        self.num_io_ops = sum(1 for inst in instances if _is_io_heavy(inst))

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
        return res['capacity'] - res['used'] if res else 0

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

    def consume(self, resources):
        """Account for an instance just claimed here, so that the next
        instance of the same request weighs this host as fuller."""
        for rc, amount in resources.items():
            if rc in self.resources:
                self.resources[rc]['used'] += amount


def _roots(allocation_requests, summaries):
    """Root provider (the compute node) of each allocation request."""
    roots = []
    for areq in allocation_requests:
        rp = next(iter(areq['allocations']))
        summary = summaries.get(rp, {})
        roots.append(summary.get('root_provider_uuid') or rp)
    return roots


class HostManager:
    """Builds host states from Placement's answer and the cell DBs."""

    def __init__(self):
        self.servicegroup_api = servicegroup.API()

    def _cells(self, ctxt):
        return [cell for cell in objects.CellMappingList.get_all(ctxt)
                if not cell.is_cell0()]

    @staticmethod
    def _nodes_and_services(cctxt, uuids):
        nodes = objects.ComputeNodeList.get_all_by_uuids(cctxt, uuids)
        services = {}
        instances = {}
        if nodes:
            for svc in objects.ServiceList.get_by_binary(cctxt,
                                                         'nova-compute'):
                services[svc.host] = svc
            for inst in objects.InstanceList.get_by_filters(
                    cctxt, {'host': sorted({n.host for n in nodes}),
                            'deleted': False}, sort_key='id',
                    sort_dir='asc'):
                instances.setdefault(inst.host, []).append(inst)
        return list(nodes), services, instances

    @staticmethod
    def _aggregates_by_host(ctxt):
        by_host = {}
        for agg in objects.AggregateList.get_all(ctxt):
            for host in agg.hosts or []:
                by_host.setdefault(host, []).append(agg)
        return by_host

    def get_host_states(self, ctxt, allocation_requests, summaries):
        """(host states, uuids of providers no cell knows as a node,
        names of the cells that did not answer).

        Each host state carries the allocation requests whose root
        provider is its compute node.
        """
        roots = _roots(allocation_requests, summaries)
        wanted = sorted(set(roots))
        results = nova_context.scatter_gather_cells(
            ctxt, self._cells(ctxt), self._nodes_and_services, wanted)
        zones = availability_zones(ctxt)
        aggregates = self._aggregates_by_host(ctxt)
        states = {}
        failed = []
        for cell_uuid, result in results.items():
            if not isinstance(result, tuple):
                failed.append(cell_uuid)
                LOG.warning('Cell %s gave no compute nodes (%s); its hosts '
                            'are left out of this request', cell_uuid,
                            'timeout' if result is
                            nova_context.did_not_respond_sentinel
                            else result)
                continue
            nodes, services, instances = result
            for node in nodes:
                service = services.get(node.host)
                state = HostState(
                    node, cell_uuid, service=service,
                    service_up=bool(service is not None and
                                    self.servicegroup_api.service_is_up(
                                        service)),
                    availability_zone=zones.get(node.host))
                summary = summaries.get(node.uuid, {})
                state.resources = {
                    rc: {'capacity': v.get('capacity', 0),
                         'used': v.get('used', 0)}
                    for rc, v in summary.get('resources', {}).items()}
                state.traits = set(summary.get('traits') or ())
                state.aggregates = aggregates.get(node.host, [])
                state.set_instances([
                    inst for inst in instances.get(node.host, [])
                    if inst.node in (None, node.hypervisor_hostname)])
                states[node.uuid] = state
        for root, areq in zip(roots, allocation_requests):
            if root in states:
                states[root].allocation_requests.append(areq)
        missing = [u for u in wanted if u not in states]
        if missing:
            LOG.warning('Placement proposed providers that are no compute '
                        'node of any cell: %s', ', '.join(missing))
        return [states[u] for u in wanted if u in states], missing, failed
