"""/os-instance_usage_audit_log: how far the compute hosts got with the
periodic audit of instance usage (the notifications ceilometer bills
from), for the monthly audit period.

No compute host runs that audit task here, so no task log exists: every
compute host is reported as not run, with empty logs and zero counts.
"""

import datetime

from oslo_utils import timeutils

from nova import context as nova_context
from nova import exception, objects
from nova.i18n import _

_FORMATS = ('%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f',
            '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f')


def _parse(text):
    for fmt in _FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise exception.ValidationError(
        detail=_('Invalid timestamp %s for the audit period: use '
                 '"YYYY-MM-DD HH:MM:SS".') % text)


def audit_period(before):
    """(beginning, ending) of the last whole month that ended at or
    before ``before``."""
    ending = before.replace(day=1, hour=0, minute=0, second=0,
                            microsecond=0)
    last_month = ending - datetime.timedelta(days=1)
    return last_month.replace(day=1), ending


def _compute_hosts(ctxt):
    cells = objects.CellMappingList.get_all(ctxt)
    results = nova_context.scatter_gather_cells(
        ctxt, cells, objects.ServiceList.get_by_binary, 'nova-compute')
    hosts = set()
    for result in results.values():
        if isinstance(result, Exception) or \
                result is nova_context.did_not_respond_sentinel:
            continue
        hosts.update(s.host for s in result)
    return sorted(hosts)


def _log(ctxt, before):
    beginning, ending = audit_period(before)
    hosts = _compute_hosts(ctxt)
    return {
        'hosts_not_run': hosts,
        'log': {},
        'num_hosts': len(hosts),
        'num_hosts_done': 0,
        'num_hosts_not_run': len(hosts),
        'num_hosts_running': 0,
        'overall_status': f'0 of {len(hosts)} hosts done. 0 errors.',
        'period_beginning': str(beginning),
        'period_ending': str(ending),
        'total_errors': 0,
        'total_instances': 0,
    }


class InstanceUsageAuditLogController:

    def index(self, req):
        req.context.can('os_compute_api:os-instance-usage-audit-log:list',
                        target={})
        now = timeutils.utcnow().replace(tzinfo=None)
        return {'instance_usage_audit_logs': _log(req.context, now)}

    def show(self, req, id):
        req.context.can('os_compute_api:os-instance-usage-audit-log:show',
                        target={})
        return {'instance_usage_audit_log': _log(req.context, _parse(id))}
