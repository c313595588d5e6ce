"""nova's use of oslo.messaging: transports, clients, servers, notifier.

Every message carries the request context (``RequestContextSerializer``)
and its arguments as versioned objects (``NovaObjectSerializer``).
Servers run on the ``threading`` executor: native threads, no eventlet.
"""

import oslo_messaging as messaging
from oslo_messaging.rpc import dispatcher
from oslo_serialization import jsonutils

import nova.conf
import nova.context
from nova.objects import base as objects_base

CONF = nova.conf.CONF

TRANSPORT = None
NOTIFICATION_TRANSPORT = None
NOTIFIER = None

# Exceptions that may cross RPC and be re-raised in the caller as themselves.
ALLOWED_EXMODS = ['nova.exception']


def init(conf=CONF):
    global TRANSPORT, NOTIFICATION_TRANSPORT, NOTIFIER
    if TRANSPORT is not None:
        return
    TRANSPORT = messaging.get_rpc_transport(conf, allowed_remote_exmods=ALLOWED_EXMODS)
    NOTIFICATION_TRANSPORT = messaging.get_notification_transport(
        conf, allowed_remote_exmods=ALLOWED_EXMODS)
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


def get_notifier(service, host=None):
    assert NOTIFIER is not None, 'nova.rpc.init() was not called'
    return NOTIFIER.prepare(publisher_id=f'{service}:{host or CONF.host}')
