"""AggregateInstanceExtraSpecsFilter: each flavor extra spec
``aggregate_instance_extra_specs:KEY`` (or an unscoped ``KEY``) must
match (:mod:`extra_specs_ops`) the value of ``KEY`` in one of the host's
aggregates (a comma separated value matches any of its items)."""

from nova.i18n import _
from nova.scheduler import filters
from nova.scheduler.filters import extra_specs_ops
from nova.scheduler.resource_request import spec_field

EXTRA_SPECS_SCOPE = 'aggregate_instance_extra_specs:'


def _aggregate_specs(spec):
    specs = spec_field(spec_field(spec, 'flavor'), 'extra_specs') or {}
    wanted = []
    for key, value in sorted(specs.items()):
        if key.startswith(EXTRA_SPECS_SCOPE):
            wanted.append((key[len(EXTRA_SPECS_SCOPE):], value))
        elif ':' not in key and key != 'group_policy':
            wanted.append((key, value))
    return wanted


class AggregateInstanceExtraSpecsFilter(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        for key, requirement in _aggregate_specs(spec):
            values = host_state.aggregate_metadata(key)
            if not any(extra_specs_ops.match(v.strip(), requirement)
                       for value in values for v in value.split(',')):
                return False
        return True

    def rejection(self, spec):
        return _('no aggregate of the host has %s') % ', '.join(
            f'{key}={value}' for key, value in _aggregate_specs(spec))
