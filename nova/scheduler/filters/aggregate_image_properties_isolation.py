"""AggregateImagePropertiesIsolation: when the host's aggregates name an
image property in their metadata (optionally under ``[filter_scheduler]
aggregate_image_properties_isolation_namespace``), an image that has
that property must have one of their values."""

import nova.conf
from nova.i18n import _
from nova.scheduler import filters
from nova.scheduler.resource_request import spec_field

CONF = nova.conf.CONF


def _image_props(spec):
    return spec_field(spec_field(spec, 'image'), 'properties') or {}


def _isolated_key(key):
    """The image property an aggregate metadata key names, or None."""
    namespace = CONF.filter_scheduler \
        .aggregate_image_properties_isolation_namespace
    if not namespace:
        return key
    prefix = namespace + \
        CONF.filter_scheduler.aggregate_image_properties_isolation_separator
    return key[len(prefix):] if key.startswith(prefix) else None


class AggregateImagePropertiesIsolation(filters.BaseHostFilter):

    def host_passes(self, host_state, spec):
        props = _image_props(spec)
        allowed = {}
        for agg in host_state.aggregates:
            for key, value in (agg.metadata or {}).items():
                prop = _isolated_key(key)
                if prop is not None and prop in props:
                    allowed.setdefault(prop, set()).update(
                        v.strip() for v in value.split(','))
        return all(str(props[prop]) in values
                   for prop, values in allowed.items())

    def rejection(self, spec):
        props = _image_props(spec)
        return _('its aggregates accept no image with %s') % ', '.join(
            f'{k}={v}' for k, v in sorted(props.items())) if props else \
            _('its aggregates isolate image properties')
