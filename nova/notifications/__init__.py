"""Instance notifications (create/delete start and end), off by default.

``[notifications] notification_format`` chooses versioned payloads (in the
``nova_object.*`` envelope the Compute notifications document), legacy
unversioned ones (``compute.instance.create.start``), both or none.
"""

import threading

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_utils import timeutils

import nova.conf
from nova import rpc

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

_VERSIONED_FIELDS = ('uuid', 'display_name', 'host', 'node', 'user_id',
                     'project_id', 'vm_state', 'task_state', 'power_state',
                     'image_ref', 'launched_at', 'terminated_at',
                     'availability_zone')
_lock = threading.Lock()
_versioned = None


def _versioned_notifier():
    global _versioned
    with _lock:
        if _versioned is None:
            _versioned = messaging.Notifier(
                rpc.NOTIFICATION_TRANSPORT,
                serializer=rpc.RequestContextSerializer(
                    rpc.JsonPayloadSerializer()),
                topics=CONF.notifications.versioned_notifications_topics)
        return _versioned


def reset():
    """Forget the notifier (tests, after rpc.cleanup)."""
    global _versioned
    with _lock:
        _versioned = None


def _value(instance, field):
    if not instance.obj_attr_is_set(field):
        return None
    value = getattr(instance, field)
    if hasattr(value, 'isoformat'):
        return value.isoformat()
    return value


def instance_payload(instance, fault=None):
    data = {f: _value(instance, f) for f in _VERSIONED_FIELDS}
    data['state'] = data.pop('vm_state')
    data['fault'] = fault
    return data


def notify_about_instance_action(ctxt, instance, host, action, phase,
                                 exception=None):
    """Send ``instance.<action>.<phase>`` (e.g. instance.create.start)
    if configured; a broken bus is logged, never raised."""
    fmt = CONF.notifications.notification_format
    if fmt == 'none' or not rpc.initialized():
        return
    fault = None
    if exception is not None:
        fault = {'exception': exception.__class__.__name__,
                 'exception_message': str(exception)}
    payload = instance_payload(instance, fault)
    publisher = f'nova-compute:{host}'
    try:
        if fmt in ('versioned', 'both'):
            notifier = _versioned_notifier().prepare(publisher_id=publisher)
            method = notifier.error if exception is not None \
                else notifier.info
            method(ctxt, f'instance.{action}.{phase}', {
                'nova_object.name': 'InstanceActionPayload',
                'nova_object.namespace': 'nova',
                'nova_object.version': '1.0',
                'nova_object.data': payload})
        if fmt in ('unversioned', 'both'):
            legacy = dict(payload, instance_id=instance.uuid,
                          timestamp=timeutils.utcnow().isoformat())
            rpc.get_notifier('compute', host).info(
                ctxt, f'compute.instance.{action}.{phase}', legacy)
    except Exception:
        LOG.warning('Could not send the %s.%s notification of %s', action,
                    phase, instance.uuid, exc_info=True)
