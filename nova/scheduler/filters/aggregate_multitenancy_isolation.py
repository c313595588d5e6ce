"""AggregateMultiTenancyIsolation: a host in aggregates with
``filter_tenant_id*`` metadata (comma separated project ids) takes only
those projects' servers; other hosts take anyone's."""

from nova.i18n import _
from nova.scheduler import filters
from nova.scheduler.resource_request import spec_field

TENANT_KEY = 'filter_tenant_id'


def _project(spec):
    return spec_field(spec, 'project_id')


class AggregateMultiTenancyIsolation(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        allowed = set()
        for agg in host_state.aggregates:
            for key, value in (agg.metadata or {}).items():
                if key.startswith(TENANT_KEY):
                    allowed.update(p.strip() for p in value.split(','))
        return not allowed or _project(spec) in allowed

    def rejection(self, spec):
        return _('reserved for other projects than %s') % _project(spec)
