"""/os-hosts: the hosts of the services and the resources of a compute
host, up to microversion 2.42 (from 2.43 it is 404: os-hypervisors and
os-services do this).

Powering a host on, off or rebooting it, and its maintenance mode, were
driver features no driver here has: 501.
"""

from nova import availability_zones, exception, objects
from nova import context as nova_context
from nova.api import validation, wsgi
from nova.api.openstack.compute import cell_hosts
from nova.i18n import _

MAX_VERSION = '2.42'
_RULE = 'os_compute_api:os-hosts:%s'

_enable_disable = {'type': 'string', 'enum': ['enable', 'disable',
                                              'Enable', 'Disable',
                                              'ENABLE', 'DISABLE']}
update_schema = {
    'type': 'object',
    'properties': {'status': _enable_disable,
                   'maintenance_mode': _enable_disable},
    'anyOf': [{'required': ['status']}, {'required': ['maintenance_mode']}],
    'additionalProperties': False,
}


class HostActionNotSupported(exception.NovaException):
    msg_fmt = _('%(action)s of host %(host)s is not supported by its '
                'virt driver.')
    code = 501


def _can(req, action):
    req.context.can(_RULE % action, target={})


def _resource(host, project, cpu, memory_mb, disk_gb):
    return {'resource': {'host': host, 'project': project, 'cpu': cpu,
                         'memory_mb': memory_mb, 'disk_gb': disk_gb}}


class HostController:

    @wsgi.api_version('2.1', MAX_VERSION)
    def index(self, req):
        _can(req, 'list')
        ctxt = req.context
        zone = req.GET.get('zone')
        zones = availability_zones.host_zones(ctxt)
        hosts = []
        for _cell, svc in cell_hosts.services(ctxt):
            svc_zone = availability_zones.service_zone(zones, svc)
            if zone and svc_zone != zone:
                continue
            hosts.append({'host_name': svc.host, 'service': svc.topic,
                          'zone': svc_zone})
        return {'hosts': hosts}

    @wsgi.api_version('2.1', MAX_VERSION)
    def show(self, req, id):
        """Total and used resources of a compute host, then what each
        project's servers on it take."""
        _can(req, 'show')
        ctxt = req.context
        cell = cell_hosts.compute_host_cell(ctxt, id)
        with nova_context.target_cell(ctxt, cell) as cctxt:
            nodes = objects.ComputeNodeList.get_all_by_host(cctxt, id)
            instances = objects.InstanceList.get_by_host(
                cctxt, id, expected_attrs=['flavor'])
        result = [
            _resource(id, '(total)', sum(n.vcpus for n in nodes),
                      sum(n.memory_mb for n in nodes),
                      sum(n.local_gb for n in nodes)),
            _resource(id, '(used_now)', sum(n.vcpus_used for n in nodes),
                      sum(n.memory_mb_used for n in nodes),
                      sum(n.local_gb_used for n in nodes)),
        ]
        per_project = {}
        for inst in instances:
            flavor = inst.flavor
            used = per_project.setdefault(inst.project_id, [0, 0, 0])
            used[0] += flavor.vcpus
            used[1] += flavor.memory_mb
            used[2] += (flavor.root_gb or 0) + (flavor.ephemeral_gb or 0)
        totals = [sum(u[i] for u in per_project.values()) for i in range(3)]
        result.append(_resource(id, '(used_max)', *totals))
        for project_id in sorted(per_project):
            result.append(_resource(id, project_id, *per_project[project_id]))
        return {'host': result}

    @wsgi.api_version('2.1', MAX_VERSION)
    @validation.schema(update_schema)
    def update(self, req, id, body):
        _can(req, 'update')
        ctxt = req.context
        cell = cell_hosts.compute_host_cell(ctxt, id)
        if 'maintenance_mode' in body:
            raise HostActionNotSupported(action=_('Maintenance mode'),
                                         host=id)
        disable = body['status'].lower() == 'disable'
        with nova_context.target_cell(ctxt, cell) as cctxt:
            service = objects.Service.get_by_compute_host(cctxt, id)
            service.disabled = disable
            if not disable:
                service.disabled_reason = None
            service.save()
        return {'host': id, 'status': 'disabled' if disable else 'enabled'}

    def _power(self, req, id, action):
        _can(req, action)
        cell_hosts.compute_host_cell(req.context, id)
        raise HostActionNotSupported(action=action.capitalize(), host=id)

    @wsgi.api_version('2.1', MAX_VERSION)
    def startup(self, req, id):
        self._power(req, id, 'start')

    @wsgi.api_version('2.1', MAX_VERSION)
    def shutdown(self, req, id):
        self._power(req, id, 'shutdown')

    @wsgi.api_version('2.1', MAX_VERSION)
    def reboot(self, req, id):
        self._power(req, id, 'reboot')
