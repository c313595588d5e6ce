"""/os-hypervisors: the compute nodes of every cell (admins only).

Before microversion 2.53 hypervisors are named by their integer id, and
searched by a host name pattern in the path.
"""

from oslo_serialization import jsonutils

from nova import context as nova_context
from nova import exception, objects, servicegroup
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common
from nova.api.openstack.compute import cell_hosts
from nova.api.validation import parameter_types as types
from nova.i18n import _

_STAT_FIELDS = ('vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
                'memory_mb_used', 'local_gb_used', 'free_ram_mb',
                'free_disk_gb', 'current_workload', 'running_vms',
                'disk_available_least')

index_query_v233 = {
    'type': 'object',
    'properties': {'limit': types.query_limit,
                   'marker': types.single({'type': 'string',
                                           'pattern': '^[0-9]+$'})},
    'additionalProperties': True,
}


class HypervisorNotFound(exception.NotFound):
    msg_fmt = _('Hypervisor %(hypervisor)s could not be found.')


class NoHypervisorMatch(exception.NotFound):
    msg_fmt = _('No hypervisor matching %(pattern)s could be found.')


class UptimeNotImplemented(exception.NovaException):
    msg_fmt = _('The virt driver of host %(host)s does not report its '
                'uptime.')
    code = 501


def _free(node, field, total, used):
    value = getattr(node, field)
    if value is None:
        value = (getattr(node, total) or 0) - (getattr(node, used) or 0)
    return value


def _cpu_info(req, node):
    raw = node.cpu_info or '{}'
    if not avr.is_supported(req, '2.28'):
        return raw
    try:
        return jsonutils.loads(raw)
    except ValueError:
        return {}


class HypervisorsController:

    def __init__(self):
        self.servicegroup_api = servicegroup.API()

    def _nodes(self, ctxt):
        """[(cell, node, service)] of nodes whose service exists."""
        return [(cell, node, svc)
                for cell, node, svc in cell_hosts.compute_nodes(ctxt)
                if svc is not None]

    def _brief(self, node, service):
        return {
            'id': node.id,
            'hypervisor_hostname': node.hypervisor_hostname,
            'state': ('up' if self.servicegroup_api.service_is_up(service)
                      else 'down'),
            'status': 'disabled' if service.disabled else 'enabled',
        }

    def _detail(self, req, node, service):
        body = self._brief(node, service)
        body.update({
            'vcpus': node.vcpus,
            'memory_mb': node.memory_mb,
            'local_gb': node.local_gb,
            'vcpus_used': node.vcpus_used,
            'memory_mb_used': node.memory_mb_used,
            'local_gb_used': node.local_gb_used,
            'hypervisor_type': node.hypervisor_type,
            'hypervisor_version': node.hypervisor_version,
            'free_ram_mb': _free(node, 'free_ram_mb', 'memory_mb',
                                 'memory_mb_used'),
            'free_disk_gb': _free(node, 'free_disk_gb', 'local_gb',
                                  'local_gb_used'),
            'current_workload': node.current_workload or 0,
            'running_vms': node.running_vms or 0,
            'disk_available_least': node.disk_available_least,
            'host_ip': str(node.host_ip) if node.host_ip else None,
            'service': {'host': service.host, 'id': service.id,
                        'disabled_reason': service.disabled_reason},
            'cpu_info': _cpu_info(req, node),
        })
        return body

    def _list(self, req, view, policy):
        ctxt = req.context
        ctxt.can(f'os_compute_api:os-hypervisors:{policy}', target={})
        nodes = self._nodes(ctxt)
        paged = avr.is_supported(req, '2.33')
        limit = None
        if paged:
            limit, marker = common.get_limit_and_marker(req)
            if marker is not None:
                ids = [node.id for _c, node, _s in nodes]
                if int(marker) not in ids:
                    raise exception.MarkerNotFound(marker=marker)
                nodes = nodes[ids.index(int(marker)) + 1:]
            nodes = nodes[:limit]
        items = [view(req, node, svc) for _c, node, svc in nodes]
        result = {'hypervisors': items}
        if paged and items and len(items) == limit:
            path = 'os-hypervisors' + (
                '/detail' if policy == 'list-detail' else '')
            result['hypervisors_links'] = common.next_link(
                req, path, items, limit)
        return result

    @validation.query_schema(index_query_v233, '2.33')
    def index(self, req):
        return self._list(req, lambda r, n, s: self._brief(n, s), 'list')

    @validation.query_schema(index_query_v233, '2.33')
    def detail(self, req):
        return self._list(req, self._detail, 'list-detail')

    def _find(self, ctxt, id):
        try:
            node_id = int(id)
        except ValueError:
            raise HypervisorNotFound(hypervisor=id)
        for cell, node, svc in self._nodes(ctxt):
            if node.id == node_id:
                return cell, node, svc
        raise HypervisorNotFound(hypervisor=id)

    def show(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-hypervisors:show', target={})
        _cell, node, svc = self._find(ctxt, id)
        return {'hypervisor': self._detail(req, node, svc)}

    def uptime(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-hypervisors:uptime', target={})
        _cell, _node, svc = self._find(ctxt, id)
        if not self.servicegroup_api.service_is_up(svc):
            raise exception.Invalid(
                reason=_('the compute service of host %s is down') % svc.host)
        # No compute RPC call reports the uptime of a host yet.
        raise UptimeNotImplemented(host=svc.host)

    def statistics(self, req):
        ctxt = req.context
        ctxt.can('os_compute_api:os-hypervisors:statistics', target={})
        stats = dict.fromkeys(_STAT_FIELDS, 0)
        stats['count'] = 0
        for _cell, node, svc in self._nodes(ctxt):
            if svc.disabled:
                continue
            stats['count'] += 1
            values = self._detail(req, node, svc)
            for field in _STAT_FIELDS:
                stats[field] += values[field] or 0
        return {'hypervisor_statistics': stats}

    def _matching(self, ctxt, pattern):
        nodes = [(c, n, s) for c, n, s in self._nodes(ctxt)
                 if pattern in (n.hypervisor_hostname or '')]
        if not nodes:
            raise NoHypervisorMatch(pattern=pattern)
        return nodes

    def search(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-hypervisors:search', target={})
        return {'hypervisors': [self._brief(n, s)
                                for _c, n, s in self._matching(ctxt, id)]}

    def servers(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-hypervisors:servers', target={})
        result = []
        for cell, node, svc in self._matching(ctxt, id):
            body = self._brief(node, svc)
            with nova_context.target_cell(ctxt, cell) as cctxt:
                instances = objects.InstanceList.get_by_host_and_node(
                    cctxt, node.host, node.hypervisor_hostname,
                    expected_attrs=[])
            if instances:
                body['servers'] = [{'uuid': i.uuid, 'name': i.name}
                                   for i in instances]
            result.append(body)
        return {'hypervisors': result}
