"""Service liveness from the heartbeats services write to the DB."""

from oslo_utils import timeutils

import nova.conf

CONF = nova.conf.CONF


class API:
    """Tells whether a service is up: its last heartbeat is recent enough
    (``service_down_time``) and it is not forced down."""

    def service_is_up(self, service):
        if service.forced_down:
            return False
        last = (service.obj_attr_is_set('last_seen_up') and service.last_seen_up) \
            or service.updated_at or service.created_at
        if last is None:
            return False
        elapsed = (timeutils.utcnow(with_timezone=True) -
                   _aware(last)).total_seconds()
        return abs(elapsed) <= CONF.service_down_time


def _aware(value):
    import datetime
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    return value
