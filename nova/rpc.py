"""nova's use of oslo.messaging: transports, clients, servers, notifier.

Every message carries the request context (``RequestContextSerializer``)
and its arguments as versioned objects (``NovaObjectSerializer``).
Servers run on the ``threading`` executor: native threads, no eventlet.

Arguments such as ``admin_password`` cross the bus in clear (the compute
needs them); oslo.messaging's drivers log whole messages at their lowest
(TRACE) level, so :func:`init` masks passwords and tokens in every record
of oslo.messaging's loggers.
"""

import logging
import os
import sys

import oslo_messaging as messaging
from oslo_messaging.rpc import dispatcher
from oslo_serialization import jsonutils
from oslo_utils import strutils

import nova.conf
import nova.context
from nova.objects import base as objects_base

CONF = nova.conf.CONF

TRANSPORT = None
NOTIFICATION_TRANSPORT = None
NOTIFIER = None

# Exceptions that may cross RPC and be re-raised in the caller as themselves.
ALLOWED_EXMODS = ['nova.exception']


class SecretMaskingFilter(logging.Filter):
    """Masks passwords and tokens in a record's message (never drops one).

    ``strutils.mask_password`` knows the keys nova's messages use
    (``admin_password``, ``new_pass``, ``*_password``, ``auth_token``).
    """

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad record is logging's to report
            return True
        masked = strutils.mask_password(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


SECRET_FILTER = SecretMaskingFilter()
# The loggers of oslo.messaging that print message bodies; a filter on a
# logger applies only to the records created on it, not to its children's.
_MESSAGE_LOGGERS = (
    'oslo_messaging',
    'oslo_messaging._drivers.amqpdriver',
    'oslo_messaging._drivers.common',
    'oslo_messaging._drivers.impl_rabbit',
    'oslo_messaging._drivers.impl_fake',
    'oslo_messaging.rpc.server',
    'oslo_messaging.rpc.dispatcher',
    'oslo_messaging.notify._impl_log',
    'oslo_messaging.notify.messaging',
)


def mask_messaging_logs():
    """Add :data:`SECRET_FILTER` to every oslo.messaging logger."""
    names = set(_MESSAGE_LOGGERS)
    names.update(name for name in list(logging.root.manager.loggerDict)
                 if name.startswith(('oslo_messaging.', 'oslo.messaging.')))
    for name in names:
        logger = logging.getLogger(name)
        if SECRET_FILTER not in logger.filters:
            logger.addFilter(SECRET_FILTER)


def init(conf=CONF):
    global TRANSPORT, NOTIFICATION_TRANSPORT, NOTIFIER
    if TRANSPORT is not None:
        return
    TRANSPORT = messaging.get_rpc_transport(conf, allowed_remote_exmods=ALLOWED_EXMODS)
    NOTIFICATION_TRANSPORT = messaging.get_notification_transport(
        conf, allowed_remote_exmods=ALLOWED_EXMODS)
    # After the transports: their driver modules' loggers exist now.
    mask_messaging_logs()
    NOTIFIER = messaging.Notifier(
        NOTIFICATION_TRANSPORT, serializer=RequestContextSerializer(JsonPayloadSerializer()))


def initialized():
    return TRANSPORT is not None


def cleanup():
    global TRANSPORT, NOTIFICATION_TRANSPORT, NOTIFIER
    for transport in (TRANSPORT, NOTIFICATION_TRANSPORT):
        if transport is not None:
            transport.cleanup()
    TRANSPORT = NOTIFICATION_TRANSPORT = NOTIFIER = None


def create_transport(url):
    return messaging.get_rpc_transport(CONF, url=url, allowed_remote_exmods=ALLOWED_EXMODS)


class JsonPayloadSerializer(messaging.NoOpSerializer):
    @staticmethod
    def serialize_entity(context, entity):
        return jsonutils.to_primitive(entity, convert_instances=True)


class RequestContextSerializer(messaging.Serializer):
    """Puts the request context on the wire and back."""

    def __init__(self, base=None):
        self._base = base

    def serialize_entity(self, context, entity):
        if not self._base:
            return entity
        return self._base.serialize_entity(context, entity)

    def deserialize_entity(self, context, entity):
        if not self._base:
            return entity
        return self._base.deserialize_entity(context, entity)

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return nova.context.RequestContext.from_dict(context)


def get_client(target, version_cap=None, serializer=None, timeout=None):
    assert TRANSPORT is not None, 'nova.rpc.init() was not called'
    serializer = RequestContextSerializer(serializer or objects_base.NovaObjectSerializer())
    return messaging.get_rpc_client(TRANSPORT, target, version_cap=version_cap,
                                    serializer=serializer, timeout=timeout)


def get_server(target, endpoints, serializer=None):
    assert TRANSPORT is not None, 'nova.rpc.init() was not called'
    serializer = RequestContextSerializer(serializer or objects_base.NovaObjectSerializer())
    return messaging.get_rpc_server(
        TRANSPORT, target, endpoints, executor='threading',
        serializer=serializer,
        access_policy=dispatcher.DefaultRPCAccessPolicy)


def get_cell_client(context, default_client):
    """``default_client`` prepared on the bus of the cell ``context`` targets."""
    if getattr(context, 'mq_connection', None):
        return messaging.get_rpc_client(
            context.mq_connection, default_client.target,
            version_cap=default_client.version_cap,
            serializer=default_client.serializer)
    return default_client


def service_name():
    """This process's service (its program, e.g. nova-conductor), as the
    publisher of what it notifies."""
    program = os.path.basename(sys.argv[0] or '')
    return program if program.startswith('nova-') else 'nova'


def get_notifier(service, host=None):
    assert NOTIFIER is not None, 'nova.rpc.init() was not called'
    return NOTIFIER.prepare(publisher_id=f'{service}:{host or CONF.host}')
