"""/os-simple-tenant-usage: what projects used in a period.

A server counts for the hours it ran inside [start, end): from
``launched_at`` (or start) to ``terminated_at`` (or its delete, or end).
Its vCPUs, RAM and disk (root plus ephemeral) weigh those hours. Deleted
servers count too; every cell is asked. From 2.40 the servers are paged
(limit/marker on server uuids) and a full page carries a next link.
"""

import datetime

from oslo_utils import timeutils

from nova import context as nova_context
from nova import exception, objects
from nova.api import validation
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import common
from nova.api.openstack.compute.schemas import simple_tenant_usage as schema
from nova.i18n import _

_FORMATS = ('%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f',
            '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f')


def _parse_time(name, text, now):
    """A naive UTC datetime; missing means now."""
    if not text:
        return now
    for fmt in _FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return _naive(timeutils.parse_isotime(text))
    except ValueError:
        raise exception.ValidationError(
            detail=_('Invalid %(name)s time %(value)s: use an ISO 8601 '
                     'date and time such as 2024-01-31T12:00:00.') %
            {'name': name, 'value': text})


def _naive(value):
    if value is not None and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


def _period(req):
    now = _naive(timeutils.utcnow())
    start = _parse_time('start', req.GET.get('start'), now)
    stop = _parse_time('end', req.GET.get('end'), now)
    # Without both times the period may be the instant "now".
    given = 'start' in req.GET and 'end' in req.GET
    if start > stop or (given and start == stop):
        raise exception.ValidationError(
            detail=_('Invalid period: the start time %(start)s must be '
                     'before the end time %(stop)s.') %
            {'start': start.isoformat(), 'stop': stop.isoformat()})
    return start, stop


def _ended(instance):
    return _naive(instance.terminated_at or (
        instance.deleted_at if instance.deleted else None))


def _server_usage(instance, start, stop, now):
    launched = _naive(instance.launched_at)
    ended = _ended(instance)
    began = max(launched, start)
    until = min(ended or stop, stop)
    hours = max((until - began).total_seconds(), 0) / 3600.0
    flavor = instance.flavor
    uptime = (ended or now) - launched
    return {
        'instance_id': instance.uuid,
        'name': instance.display_name or '',
        'hours': hours,
        'memory_mb': flavor.memory_mb,
        'local_gb': (flavor.root_gb or 0) + (flavor.ephemeral_gb or 0),
        'vcpus': flavor.vcpus,
        'tenant_id': instance.project_id,
        'flavor': flavor.name,
        'started_at': launched.isoformat(),
        'ended_at': ended.isoformat() if ended else None,
        'state': 'terminated' if instance.deleted else instance.vm_state,
        'uptime': int(uptime.total_seconds()),
    }


def _instances(ctxt, start, stop, project_id):
    """The servers of every cell that ran in the period, oldest first."""
    cells = objects.CellMappingList.get_all(ctxt)
    results = nova_context.scatter_gather_cells(
        ctxt, cells, objects.InstanceList.get_active_by_window_joined,
        start, stop, project_id=project_id, expected_attrs=['flavor'])
    found = []
    for result in results.values():
        if isinstance(result, Exception) or \
                result is nova_context.did_not_respond_sentinel:
            continue
        found.extend(result)
    found.sort(key=lambda i: (_naive(i.created_at) or stop, i.uuid))
    return found


def _page(req, instances):
    """The page of servers a 2.40+ request asks for, and its limit."""
    if not avr.is_supported(req, '2.40'):
        return instances, None
    limit, marker = common.get_limit_and_marker(req)
    if marker is not None:
        uuids = [i.uuid for i in instances]
        if marker not in uuids:
            raise exception.MarkerNotFound(marker=marker)
        instances = instances[uuids.index(marker) + 1:]
    return instances[:limit], limit


def _usages(instances, start, stop, detailed):
    """{project: usage} of the servers, in order of first appearance."""
    now = _naive(timeutils.utcnow())
    usages = {}
    for instance in instances:
        server = _server_usage(instance, start, stop, now)
        usage = usages.setdefault(instance.project_id, {
            'tenant_id': instance.project_id,
            'total_local_gb_usage': 0.0, 'total_vcpus_usage': 0.0,
            'total_memory_mb_usage': 0.0, 'total_hours': 0.0,
            'start': start.isoformat(), 'stop': stop.isoformat(),
        })
        hours = server['hours']
        usage['total_hours'] += hours
        usage['total_local_gb_usage'] += server['local_gb'] * hours
        usage['total_vcpus_usage'] += server['vcpus'] * hours
        usage['total_memory_mb_usage'] += server['memory_mb'] * hours
        if detailed:
            usage.setdefault('server_usages', []).append(server)
    return usages


def _links(req, collection, page, limit):
    if limit is None:
        return []
    return common.next_link(req, collection,
                            [{'id': i.uuid} for i in page], limit)


class SimpleTenantUsageController:

    @validation.query_schema(schema.index_query_v240, '2.40')
    @validation.query_schema(schema.index_query, '2.0', '2.39')
    def index(self, req):
        ctxt = req.context
        ctxt.can('os_compute_api:os-simple-tenant-usage:list', target={})
        start, stop = _period(req)
        detailed = req.GET.get('detailed', '0') == '1'
        page, limit = _page(req, _instances(ctxt, start, stop, None))
        result = {'tenant_usages': list(
            _usages(page, start, stop, detailed).values())}
        links = _links(req, 'os-simple-tenant-usage', page, limit)
        if links:
            result['tenant_usages_links'] = links
        return result

    @validation.query_schema(schema.show_query_v240, '2.40')
    @validation.query_schema(schema.show_query, '2.0', '2.39')
    def show(self, req, id):
        ctxt = req.context
        ctxt.can('os_compute_api:os-simple-tenant-usage:show',
                 target={'project_id': id})
        start, stop = _period(req)
        page, limit = _page(req, _instances(ctxt, start, stop, id))
        usage = _usages(page, start, stop, True).get(id, {})
        result = {'tenant_usage': usage}
        links = _links(req, f'os-simple-tenant-usage/{id}', page, limit)
        if links:
            result['tenant_usage_links'] = links
        return result
