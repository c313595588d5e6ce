"""/os-hypervisors: the compute nodes of every cell (admins only).

Before microversion 2.53 hypervisors are named by their integer id, and
searched by a host name pattern in the path (``/{pattern}/search``,
``/{pattern}/servers``). From 2.53 they are named by their uuid (and
their service by its uuid); lists take ``hypervisor_hostname_pattern``
and ``with_servers`` in the query string (show takes ``with_servers``)
and the two pattern paths answer 404.

From 2.88 the detailed views (detail list and show) drop the resource
counters (``vcpus``, ``memory_mb``, ``local_gb`` and their used and free
figures, ``current_workload``, ``running_vms``,
``disk_available_least``) and ``cpu_info``: Placement is where resources
are counted. Show adds ``uptime``, and ``/statistics`` and
``/{id}/uptime`` answer 404. No compute RPC call reports a host's uptime
yet, so ``uptime`` is null, as the API documents for drivers without it.
"""

from oslo_serialization import jsonutils
from oslo_utils import strutils, uuidutils

from nova import context as nova_context
from nova import exception, objects, servicegroup
from nova.api import validation, wsgi
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

# 2.53: markers are uuids; search and servers move to the query string.
index_query_v253 = {
    'type': 'object',
    'properties': {
        'limit': types.query_limit,
        'marker': types.single({'type': 'string', 'format': 'uuid'}),
        'hypervisor_hostname_pattern': types.single(
            {'type': 'string', 'minLength': 1, 'maxLength': 255}),
        'with_servers': types.query_boolean,
    },
    'additionalProperties': True,
}

show_query_v253 = {
    'type': 'object',
    'properties': {'with_servers': types.query_boolean},
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


def _with_servers(req):
    return strutils.bool_from_string(req.GET.get('with_servers', False))


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

    def _brief(self, req, node, service):
        return {
            'id': node.uuid if avr.is_supported(req, '2.53') else node.id,
            'hypervisor_hostname': node.hypervisor_hostname,
            'state': ('up' if self.servicegroup_api.service_is_up(service)
                      else 'down'),
            'status': 'disabled' if service.disabled else 'enabled',
        }

    def _detail(self, req, node, service):
        body = self._brief(req, node, service)
        body.update({
            'hypervisor_type': node.hypervisor_type,
            'hypervisor_version': node.hypervisor_version,
            'host_ip': str(node.host_ip) if node.host_ip else None,
            'service': {'host': service.host,
                        'id': (service.uuid if avr.is_supported(req, '2.53')
                               else service.id),
                        'disabled_reason': service.disabled_reason},
        })
        if not avr.is_supported(req, '2.88'):
            body.update(self._resources(req, node))
        return body

    @staticmethod
    def _resources(req, node):
        """The counters the detailed views carry up to 2.87."""
        return {
            'vcpus': node.vcpus,
            'memory_mb': node.memory_mb,
            'local_gb': node.local_gb,
            'vcpus_used': node.vcpus_used,
            'memory_mb_used': node.memory_mb_used,
            'local_gb_used': node.local_gb_used,
            'free_ram_mb': _free(node, 'free_ram_mb', 'memory_mb',
                                 'memory_mb_used'),
            'free_disk_gb': _free(node, 'free_disk_gb', 'local_gb',
                                  'local_gb_used'),
            'current_workload': node.current_workload or 0,
            'running_vms': node.running_vms or 0,
            'disk_available_least': node.disk_available_least,
            'cpu_info': _cpu_info(req, node),
        }

    def _list(self, req, view, policy):
        ctxt = req.context
        ctxt.can(f'os_compute_api:os-hypervisors:{policy}', target={})
        by_uuid = avr.is_supported(req, '2.53')
        pattern = req.GET.get('hypervisor_hostname_pattern') \
            if by_uuid else None
        if pattern is not None:
            if 'limit' in req.GET or 'marker' in req.GET:
                raise exception.ValidationError(
                    detail=_('Paging over hypervisors with the '
                             'hypervisor_hostname_pattern query parameter '
                             'is not supported.'))
            nodes = self._matching(ctxt, pattern)
        else:
            nodes = self._nodes(ctxt)
        paged = avr.is_supported(req, '2.33') and pattern is None
        limit = None
        if paged:
            limit, marker = common.get_limit_and_marker(req)
            if marker is not None:
                ids = [node.uuid if by_uuid else node.id
                       for _c, node, _s in nodes]
                key = marker if by_uuid else int(marker)
                if key not in ids:
                    raise exception.MarkerNotFound(marker=marker)
                nodes = nodes[ids.index(key) + 1:]
            nodes = nodes[:limit]
        servers = by_uuid and _with_servers(req)
        items = []
        for cell, node, svc in nodes:
            body = view(req, node, svc)
            if servers:
                self._add_servers(ctxt, cell, node, body,
                                  always=avr.is_supported(req, '2.75'))
            items.append(body)
        result = {'hypervisors': items}
        if paged and items and len(items) == limit:
            path = 'os-hypervisors' + (
                '/detail' if policy == 'list-detail' else '')
            result['hypervisors_links'] = common.next_link(
                req, path, items, limit)
        return result

    @validation.query_schema(index_query_v253, '2.53')
    @validation.query_schema(index_query_v233, '2.33', '2.52')
    def index(self, req):
        return self._list(req, self._brief, 'list')

    @validation.query_schema(index_query_v253, '2.53')
    @validation.query_schema(index_query_v233, '2.33', '2.52')
    def detail(self, req):
        return self._list(req, self._detail, 'list-detail')

    def _find(self, req, id):
        ctxt = req.context
        if avr.is_supported(req, '2.53'):
            if not uuidutils.is_uuid_like(id):
                raise exception.ValidationError(
                    detail=_('Invalid uuid %s: from microversion 2.53 a '
                             'hypervisor is named by its uuid.') % id)
            for cell, node, svc in self._nodes(ctxt):
                if node.uuid == id:
                    return cell, node, svc
            raise HypervisorNotFound(hypervisor=id)
        try:
            node_id = int(id)
        except ValueError:
            raise HypervisorNotFound(hypervisor=id)
        for cell, node, svc in self._nodes(ctxt):
            if node.id == node_id:
                return cell, node, svc
        raise HypervisorNotFound(hypervisor=id)

    @staticmethod
    def _add_servers(ctxt, cell, node, body, always=False):
        """2.53 ``with_servers``: the node's servers, when it has any;
        ``always`` (2.75): an empty list too."""
        with nova_context.target_cell(ctxt, cell) as cctxt:
            instances = objects.InstanceList.get_by_host_and_node(
                cctxt, node.host, node.hypervisor_hostname,
                expected_attrs=[])
        if instances or always:
            body['servers'] = [{'uuid': i.uuid, 'name': i.name}
                               for i in instances]

    @validation.query_schema(show_query_v253, '2.53')
    def show(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-hypervisors:show', target={})
        cell, node, svc = self._find(req, id)
        body = self._detail(req, node, svc)
        if avr.is_supported(req, '2.88'):
            # No compute reports its uptime (see uptime()).
            body['uptime'] = None
        if avr.is_supported(req, '2.53') and _with_servers(req):
            self._add_servers(ctxt, cell, node, body,
                              always=avr.is_supported(req, '2.75'))
        return {'hypervisor': body}

    @wsgi.api_version('2.1', '2.87')
    def uptime(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-hypervisors:uptime', target={})
        _cell, _node, svc = self._find(req, id)
        if not self.servicegroup_api.service_is_up(svc):
            raise exception.Invalid(
                reason=_('the compute service of host %s is down') % svc.host)
        # No compute RPC call reports the uptime of a host yet.
        raise UptimeNotImplemented(host=svc.host)

    @wsgi.api_version('2.1', '2.87')
    def statistics(self, req):
        ctxt = req.context
        ctxt.can('os_compute_api:os-hypervisors:statistics', target={})
        stats = dict.fromkeys(_STAT_FIELDS, 0)
        stats['count'] = 0
        for _cell, node, svc in self._nodes(ctxt):
            if svc.disabled:
                continue
            stats['count'] += 1
            values = self._resources(req, node)
            for field in _STAT_FIELDS:
                stats[field] += values[field] or 0
        return {'hypervisor_statistics': stats}

    def _matching(self, ctxt, pattern):
        nodes = [(c, n, s) for c, n, s in self._nodes(ctxt)
                 if pattern in (n.hypervisor_hostname or '')]
        if not nodes:
            raise NoHypervisorMatch(pattern=pattern)
        return nodes

    @wsgi.api_version('2.1', '2.52')
    def search(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-hypervisors:search', target={})
        return {'hypervisors': [self._brief(req, n, s)
                                for _c, n, s in self._matching(ctxt, id)]}

    @wsgi.api_version('2.1', '2.52')
    def servers(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-hypervisors:servers', target={})
        result = []
        for cell, node, svc in self._matching(ctxt, id):
            body = self._brief(req, node, svc)
            self._add_servers(ctxt, cell, node, body)
            result.append(body)
        return {'hypervisors': result}
