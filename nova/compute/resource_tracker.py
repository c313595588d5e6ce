"""The resource tracker: what each node of this host has and uses.

One ``ComputeNode`` row per driver node (created on first sight, uuid
stable across restarts) and one Placement resource provider with the same
uuid, named after the node, holding VCPU / MEMORY_MB / DISK_GB inventory.
Usage is counted from the instances on the node plus the builds that
hold a claim; it is saved on every claim, abort and delete. Placement is
told only what changed (the report client caches the inventory).
"""

import math
import threading
import uuid as uuid_lib

from oslo_log import log as logging

import nova.conf
from nova import exception, objects
from nova.compute import claims, provider_config, vm_states
from nova.scheduler.client import report

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Compute node uuids are derived from host and node names, so a node
# whose row was lost comes back as the same Placement provider.
_NODE_NAMESPACE = uuid_lib.UUID('6b0b1a52-6c7e-4d3e-9a5e-3f0c2d6a8e11')

_RESOURCE_CLASSES = (('VCPU', 'vcpus', 'cpu'),
                     ('MEMORY_MB', 'memory_mb', 'ram'),
                     ('DISK_GB', 'local_gb', 'disk'))


_USAGE_FIELD = {'VCPU': 'vcpus', 'MEMORY_MB': 'memory_mb',
                'DISK_GB': 'disk_gb'}


DISABLED_TRAIT = 'COMPUTE_STATUS_DISABLED'


def node_uuid(host, nodename):
    return str(uuid_lib.uuid5(_NODE_NAMESPACE, f'{host}/{nodename}'))


def _reserved():
    return {'VCPU': CONF.reserved_host_cpus,
            'MEMORY_MB': CONF.reserved_host_memory_mb,
            'DISK_GB': math.ceil(CONF.reserved_host_disk_mb / 1024.0)}


def _set_if_changed(obj, field, value):
    if not obj.obj_attr_is_set(field) or getattr(obj, field) != value:
        setattr(obj, field, value)


class ResourceTracker:
    """Tracks the nodes of compute host ``host`` served by ``driver``."""

    def __init__(self, host, driver, reportclient=None):
        self.host = host
        self.driver = driver
        self.reportclient = reportclient or report.report_client_singleton()
        self.service_id = None
        self.compute_nodes = {}     # nodename -> ComputeNode
        self._resources = {}        # nodename -> driver resource dict
        self._tracked = {}          # nodename -> {instance uuid: Usage}
        self._in_flight = {}        # nodename -> set of claimed uuids
        self._move_keys = set()     # those of them that are migrations
        self._failed_builds = {}    # nodename -> builds failed in a row
        # What the operator adds to the providers (raises when invalid:
        # the service does not start on a config it cannot apply).
        self.provider_configs = provider_config.load(
            CONF.compute.provider_config_location)
        self._lock = threading.RLock()
        self._reported_traits = {}  # nodename -> traits last sent

    # -- periodic update --------------------------------------------------

    def update_available_resource(self, ctxt):
        """Refresh every node from the driver and the DB, then Placement.

        One node failing (e.g. Placement down) is logged and the others
        are still updated; the next run retries.
        """
        for nodename in self.driver.get_available_nodes():
            try:
                self.update_node(ctxt, nodename)
            except Exception:
                LOG.exception('Could not update the resources of node %s',
                              nodename)

    def update_node(self, ctxt, nodename):
        resources = self.driver.get_available_resource(nodename)
        instances = [
            inst for inst in objects.InstanceList.get_by_host(ctxt, self.host)
            if inst.node == nodename and not inst.deleted
            and inst.vm_state != vm_states.DELETED]
        ended = self._ended_moves(ctxt, nodename)
        with self._lock:
            for key in ended:
                LOG.info('Move claim %s on node %s released: its migration '
                         'ended elsewhere', key, nodename)
                self._in_flight.get(nodename, set()).discard(key)
                self._move_keys.discard(key)
            tracked = {inst.uuid: claims.usage_of(inst) for inst in instances}
            previous = self._tracked.get(nodename, {})
            # Builds in flight may not have their host saved yet.
            for uuid in self._in_flight.setdefault(nodename, set()):
                if uuid in previous:
                    tracked[uuid] = previous[uuid]
            self._tracked[nodename] = tracked
            self._resources[nodename] = resources
            node = self._get_or_create_node(ctxt, nodename, resources)
            self._save_usage(nodename)
        self._report(ctxt, node)
        return node

    def _ended_moves(self, ctxt, nodename):
        """Move claims on ``nodename`` whose migration is over or gone: a
        source that failed after this host prepared the move tells nobody
        here, and the claim would count until a restart."""
        from nova.compute import resize
        with self._lock:
            keys = self._move_keys & self._in_flight.get(nodename, set())
        ended = []
        for key in keys:
            try:
                migration = objects.Migration.get_by_uuid(ctxt, key)
            except exception.NotFound:
                ended.append(key)
                continue
            if migration.status not in resize.IN_PROGRESS_STATUSES:
                ended.append(key)
        return ended

    def _get_or_create_node(self, ctxt, nodename, resources):
        node = self.compute_nodes.get(nodename)
        if node is None:
            try:
                node = objects.ComputeNode.get_by_host_and_nodename(
                    ctxt, self.host, nodename)
            except exception.NotFound:
                node = None
        if node is None:
            node = objects.ComputeNode(
                context=ctxt, uuid=node_uuid(self.host, nodename),
                host=self.host, hypervisor_hostname=nodename)
            if self.service_id is not None:
                node.service_id = self.service_id
            self._fill_node(node, nodename, resources)
            node.create()
            LOG.info('Created compute node %s (%s) of host %s', nodename,
                     node.uuid, self.host)
        self.compute_nodes[nodename] = node
        return node

    def _ratio(self, node, kind):
        configured = getattr(CONF, f'{kind}_allocation_ratio')
        if configured is not None:
            return configured
        field = f'{kind}_allocation_ratio'
        # Unset in config: keep what the node has (an operator may have
        # changed it in Placement's image), else the initial ratio.
        if node.obj_attr_is_set(field) and getattr(node, field):
            return getattr(node, field)
        return getattr(CONF, f'initial_{kind}_allocation_ratio')

    def _fill_node(self, node, nodename, resources):
        tracked = self._tracked.get(nodename, {})
        reserved = _reserved()
        used = claims.Usage(sum(u.vcpus for u in tracked.values()),
                            sum(u.memory_mb for u in tracked.values()),
                            sum(u.disk_gb for u in tracked.values()))
        memory_used = used.memory_mb + reserved['MEMORY_MB']
        disk_used = used.disk_gb + reserved['DISK_GB']
        values = {
            'vcpus': resources['vcpus'],
            'memory_mb': resources['memory_mb'],
            'local_gb': resources['local_gb'],
            'vcpus_used': used.vcpus,
            'memory_mb_used': memory_used,
            'local_gb_used': disk_used,
            'free_ram_mb': resources['memory_mb'] - memory_used,
            'free_disk_gb': resources['local_gb'] - disk_used,
            'disk_available_least': resources['local_gb'] - disk_used,
            'stats': {'failed_builds':
                      str(self._failed_builds.get(nodename, 0))},
            'running_vms': len(tracked),
            'current_workload': len(self._in_flight.get(nodename, ())),
            'hypervisor_type': resources['hypervisor_type'],
            'hypervisor_version': resources['hypervisor_version'],
            'cpu_info': resources['cpu_info'],
            'host_ip': CONF.my_ip,
        }
        for kind in ('cpu', 'ram', 'disk'):
            values[f'{kind}_allocation_ratio'] = self._ratio(node, kind)
        if self.service_id is not None:
            values['service_id'] = self.service_id
        for field, value in values.items():
            _set_if_changed(node, field, value)

    def _save_usage(self, nodename):
        node = self.compute_nodes.get(nodename)
        if node is None:
            return
        self._fill_node(node, nodename, self._resources[nodename])
        if node.obj_what_changed():
            node.save()

    # -- Placement --------------------------------------------------------

    def inventory(self, nodename):
        """The Placement inventory of ``nodename`` with ratios and
        reserved amounts from configuration."""
        node = self.compute_nodes[nodename]
        reserved = _reserved()
        inv = self.driver.get_inventory(nodename)
        result = {}
        for rc, _field, kind in _RESOURCE_CLASSES:
            record = dict(inv.get(rc) or {})
            total = record.get('total') or 0
            if total <= 0:
                continue
            record.setdefault('reserved', min(reserved[rc], total))
            record.setdefault('min_unit', 1)
            record.setdefault('max_unit', total)
            record.setdefault('step_size', 1)
            record.setdefault('allocation_ratio', self._ratio(node, kind))
            result[rc] = record
        # Anything else the driver reports (custom classes) goes as is.
        known = {r[0] for r in _RESOURCE_CLASSES}
        for rc, record in inv.items():
            if rc not in known:
                result[rc] = record
        added, _traits = provider_config.for_node(
            self.provider_configs, node.uuid, nodename)
        for rc, record in added.items():
            if rc in result:
                LOG.error('Provider config gives %s to node %s, which its '
                          'driver reports already: the driver\'s is kept',
                          rc, nodename)
                continue
            record = dict(record)
            record.setdefault('reserved', 0)
            record.setdefault('min_unit', 1)
            record.setdefault('max_unit', record['total'])
            record.setdefault('step_size', 1)
            record.setdefault('allocation_ratio', 1.0)
            result[rc] = record
        return result

    def _report(self, ctxt, node):
        self.reportclient.ensure_resource_provider(
            ctxt, node.uuid, node.hypervisor_hostname)
        self.reportclient.set_inventory_for_provider(
            ctxt, node.uuid, self.inventory(node.hypervisor_hostname))
        self._report_traits(ctxt, node)

    def _service_disabled(self, ctxt):
        try:
            service = objects.Service.get_by_host_and_binary(
                ctxt, self.host, 'nova-compute')
        except exception.NotFound:
            return False
        return bool(service is not None and service.disabled)

    def traits(self, ctxt, nodename):
        """The traits this compute owns on the node's provider: the
        driver's, those of the provider configs, and
        COMPUTE_STATUS_DISABLED while the service is disabled (the
        scheduler asks Placement to skip those nodes)."""
        get_traits = getattr(self.driver, 'get_traits', None)
        traits = set(get_traits(nodename)) if get_traits else set()
        node = self.compute_nodes.get(nodename)
        traits |= provider_config.for_node(
            self.provider_configs, node.uuid if node else None,
            nodename)[1]
        if self._service_disabled(ctxt):
            traits.add(DISABLED_TRAIT)
        return traits

    def _report_traits(self, ctxt, node):
        nodename = node.hypervisor_hostname
        wanted = self.traits(ctxt, nodename)
        if self._reported_traits.get(nodename) == wanted:
            return
        # Traits an operator set (not COMPUTE_*, not the driver's) stay.
        driver_traits = wanted - {DISABLED_TRAIT}
        self.reportclient.update_provider_traits(
            ctxt, node.uuid, wanted,
            owned=lambda t: t.startswith('COMPUTE_') or t in driver_traits)
        self._reported_traits[nodename] = wanted

    # -- claims -----------------------------------------------------------

    def _free(self, nodename):
        """What is left, counted as Placement does:
        (total - reserved) * allocation_ratio - used."""
        node = self.compute_nodes[nodename]
        res = self._resources[nodename]
        reserved = _reserved()
        tracked = self._tracked[nodename].values()
        free = []
        for rc, field, kind in _RESOURCE_CLASSES:
            capacity = int((res[field] - reserved[rc])
                           * self._ratio(node, kind))
            used = sum(getattr(u, _USAGE_FIELD[rc]) for u in tracked)
            free.append(capacity - used)
        return claims.Usage(*free)

    def instance_claim(self, ctxt, instance, nodename=None, limits=None):
        """Hold ``instance``'s resources on ``nodename`` or raise
        ``ComputeResourcesUnavailable`` saying what is short.

        Sets ``instance.host/node/launched_on`` (the caller saves the
        instance) and returns a :class:`claims.Claim`.
        """
        nodename = nodename or self.driver.get_available_nodes()[0]
        with self._lock:
            if nodename not in self.compute_nodes:
                self.update_node(ctxt, nodename)
            usage = claims.usage_of(instance)
            tracked = self._tracked[nodename]
            tracked.pop(instance.uuid, None)
            claims.check_fits(nodename, usage, self._free(nodename))
            tracked[instance.uuid] = usage
            self._in_flight.setdefault(nodename, set()).add(instance.uuid)
            instance.host = self.host
            instance.node = nodename
            instance.launched_on = self.host
            self._save_usage(nodename)
        return claims.Claim(self, instance.uuid, nodename, usage)

    def abort_instance_claim(self, instance_uuid, nodename):
        """Give back a claim whose build failed."""
        with self._lock:
            self._tracked.get(nodename, {}).pop(instance_uuid, None)
            self._move_keys.discard(instance_uuid)
            self._in_flight.get(nodename, set()).discard(instance_uuid)
            self._save_usage(nodename)

    def finish_claim(self, instance_uuid, nodename):
        """The build finished: the instance row now carries the usage."""
        with self._lock:
            self._in_flight.get(nodename, set()).discard(instance_uuid)
            self._save_usage(nodename)

    def update_usage_on_delete(self, instance):
        """Stop counting a deleted instance on its node."""
        with self._lock:
            for nodename, tracked in self._tracked.items():
                if tracked.pop(instance.uuid, None) is not None:
                    self._in_flight.get(nodename, set()).discard(
                        instance.uuid)
                    self._save_usage(nodename)

    def build_failed(self, nodename):
        """A build failed on ``nodename`` (for a reason of this host): the
        count the scheduler's BuildFailureWeigher reads grows by one."""
        self._count_build(nodename, failed=True)

    def build_succeeded(self, nodename):
        """A build succeeded on ``nodename``: its count starts again."""
        self._count_build(nodename, failed=False)

    def _count_build(self, nodename, failed):
        nodename = nodename or self.driver.get_available_nodes()[0]
        with self._lock:
            before = self._failed_builds.get(nodename, 0)
            after = before + 1 if failed else 0
            if after == before:
                return
            self._failed_builds[nodename] = after
            if nodename in self.compute_nodes:
                self._save_usage(nodename)

    # -- moves (resize, cold migration, unshelve) -------------------------

    def move_claim(self, ctxt, instance, flavor, nodename, key):
        """Hold ``flavor``'s resources on ``nodename`` for a move of
        ``instance`` in progress, counted under ``key`` (the migration's
        uuid) until :meth:`finish_move_claim`; raise
        ``ComputeResourcesUnavailable`` saying what is short."""
        nodename = nodename or self.driver.get_available_nodes()[0]
        disk_gb = (flavor.root_gb or 0) + (flavor.ephemeral_gb or 0)
        usage = claims.Usage(flavor.vcpus, flavor.memory_mb, disk_gb)
        with self._lock:
            if nodename not in self.compute_nodes:
                self.update_node(ctxt, nodename)
            tracked = self._tracked[nodename]
            tracked.pop(key, None)
            claims.check_fits(nodename, usage, self._free(nodename))
            tracked[key] = usage
            self._in_flight.setdefault(nodename, set()).add(key)
            self._move_keys.add(key)
            self._save_usage(nodename)
        return claims.Claim(self, key, nodename, usage)

    def finish_move_claim(self, key, instance_uuid, nodename):
        """The instance now runs on ``nodename``: its row carries the
        usage the move claim ``key`` held."""
        with self._lock:
            tracked = self._tracked.get(nodename, {})
            usage = tracked.pop(key, None)
            if usage is not None:
                tracked[instance_uuid] = usage
            self._in_flight.get(nodename, set()).discard(key)
            self._move_keys.discard(key)
            self._save_usage(nodename)
