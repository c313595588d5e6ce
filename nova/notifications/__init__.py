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

_VERSIONED_FIELDS = ('uuid', 'display_name', 'display_description', 'host', 'node', 'user_id',
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


def _enabled():
    return CONF.notifications.notification_format != 'none' and \
        rpc.initialized()


def _send(ctxt, publisher, event_type, payload_name, payload, legacy,
          error=False):
    """Send one notification in the configured format(s); a broken bus
    is logged, never raised."""
    fmt = CONF.notifications.notification_format
    try:
        if fmt in ('versioned', 'both'):
            notifier = _versioned_notifier().prepare(publisher_id=publisher)
            method = notifier.error if error else notifier.info
            method(ctxt, event_type, {
                'nova_object.name': payload_name,
                'nova_object.namespace': 'nova',
                'nova_object.version': '1.0',
                'nova_object.data': payload})
        if fmt in ('unversioned', 'both'):
            service, _sep, host = publisher.partition(':')
            rpc.get_notifier(service.removeprefix('nova-'), host).info(
                ctxt, f'compute.{event_type}', legacy)
    except Exception:
        LOG.warning('Could not send %s', event_type, exc_info=True)


def notify_about_instance_action(ctxt, instance, host, action, phase,
                                 exception=None, source='nova-compute'):
    """Send ``instance.<action>.<phase>`` (e.g. instance.create.start),
    or ``instance.<action>`` for a one-step action (lock) without a
    phase, if configured, as ``source`` on ``host``."""
    if not _enabled():
        return
    fault = None
    if exception is not None:
        fault = {'exception': exception.__class__.__name__,
                 'exception_message': str(exception)}
    payload = instance_payload(instance, fault)
    legacy = dict(payload, instance_id=instance.uuid,
                  timestamp=timeutils.utcnow().isoformat())
    event_type = f'instance.{action}.{phase}' if phase \
        else f'instance.{action}'
    _send(ctxt, f'{source}:{host}', event_type,
          'InstanceActionPayload', payload, legacy,
          error=exception is not None)


# The fields whose change a save announces with instance.update.
UPDATE_FIELDS = frozenset(('vm_state', 'task_state', 'display_name',
                           'display_description'))


def wants_instance_update(changes):
    """True when a save of ``changes`` is to send instance.update (then
    the caller reads the former values for it)."""
    return bool(CONF.notifications.notify_on_state_change) and \
        _enabled() and bool(UPDATE_FIELDS & set(changes))


def notify_about_instance_update(ctxt, instance, former):
    """Send ``instance.update`` for a saved change of ``instance``;
    ``former`` holds the UPDATE_FIELDS values before the save. Task
    state changes alone count only with ``vm_and_task_state``."""
    when = CONF.notifications.notify_on_state_change
    if not when or not _enabled():
        return
    state = _value(instance, 'vm_state')
    task_state = _value(instance, 'task_state')
    name = _value(instance, 'display_name')
    description = _value(instance, 'display_description')
    changed = state != former['vm_state'] or \
        name != former['display_name'] or \
        description != former['display_description'] or \
        (when == 'vm_and_task_state' and
         task_state != former['task_state'])
    if not changed:
        return
    state_update = {'old_state': former['vm_state'], 'state': state,
                    'old_task_state': former['task_state'],
                    'new_task_state': task_state}
    payload = instance_payload(instance)
    payload.update(old_display_name=former['display_name'],
                   state_update={
                       'nova_object.name': 'InstanceStateUpdatePayload',
                       'nova_object.namespace': 'nova',
                       'nova_object.version': '1.0',
                       'nova_object.data': state_update})
    legacy = dict(instance_payload(instance), instance_id=instance.uuid,
                  old_display_name=former['display_name'],
                  timestamp=timeutils.utcnow().isoformat(), **state_update)
    _send(ctxt, f'{rpc.service_name()}:{CONF.host}', 'instance.update',
          'InstanceUpdatePayload', payload, legacy)
