"""Helpers of nova-compute: instance faults and action events."""

import traceback

import oslo_messaging as messaging
from oslo_log import log as logging

import nova.conf
from nova import exception, objects
from nova.i18n import _

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# Column sizes of instance_faults.message and .details.
MAX_FAULT_MESSAGE = 255
MAX_FAULT_DETAILS = 65535


def exception_to_fault(exc, fault_message=None):
    """(code, message) a user is shown for ``exc``."""
    if isinstance(exc, exception.NovaException):
        code = exc.code
        message = exc.format_message()
    elif isinstance(exc, messaging.MessagingTimeout):
        # Which service did not answer the caller knows best; this at
        # least says it was a call that timed out, not a bug.
        code = 500
        message = _('A service did not answer in time over the message '
                    'bus (MessagingTimeout: %s)') % exc
    else:
        code = 500
        # Unexpected errors keep their class name: 'boom' alone says
        # nothing to an operator reading the fault.
        message = f'{exc.__class__.__name__}: {exc}' if str(exc) \
            else exc.__class__.__name__
    if fault_message:
        message = fault_message
    return code, message[:MAX_FAULT_MESSAGE]


def add_instance_fault_from_exc(ctxt, instance, exc, exc_info=None,
                                fault_message=None, host=None):
    """Record ``exc`` as the instance's latest fault (what the API shows
    under ``fault``); a failure to record is logged, never raised."""
    code, message = exception_to_fault(exc, fault_message)
    if exc_info is not None:
        details = ''.join(traceback.format_exception(*exc_info))
    else:
        details = ''.join(traceback.format_exception_only(type(exc), exc))
    fault = objects.InstanceFault(
        context=ctxt, instance_uuid=instance.uuid, code=code,
        message=message, details=details[:MAX_FAULT_DETAILS],
        host=host or getattr(instance, 'host', None) or CONF.host)
    try:
        fault.create()
    except Exception:
        LOG.exception('Could not record the fault of instance %s',
                      instance.uuid)
    return fault


class EventReporter:
    """Records an instance action event around a block.

    ``with EventReporter(ctxt, 'compute__do_build_and_run_instance', host,
    instance.uuid):`` starts the event on each instance's current action
    and finishes it with success, or with the error and traceback when
    the block raises (the error still propagates).
    """

    def __init__(self, context, event_name, host, *instance_uuids):
        self.context = context
        self.event_name = event_name
        self.host = host
        self.instance_uuids = instance_uuids

    def __enter__(self):
        for uuid in self.instance_uuids:
            try:
                objects.InstanceActionEvent.event_start(
                    self.context, uuid, self.event_name, want_result=False,
                    host=self.host)
            except Exception:
                # A missing action must not stop the operation itself.
                LOG.warning('Could not start event %s of instance %s',
                            self.event_name, uuid, exc_info=True)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        for uuid in self.instance_uuids:
            try:
                if exc_type is None:
                    objects.InstanceActionEvent.event_finish(
                        self.context, uuid, self.event_name,
                        want_result=False)
                else:
                    # The object makes strings of these before any RPC.
                    objects.InstanceActionEvent.event_finish_with_failure(
                        self.context, uuid, self.event_name,
                        exc_val=exc_val, exc_tb=exc_tb, want_result=False)
            except Exception:
                LOG.warning('Could not finish event %s of instance %s',
                            self.event_name, uuid, exc_info=True)
        return False


# A build sent again after it was cut off or lost is marked in its
# instance's system metadata: each build is re-driven once, not for ever.
BUILD_REDRIVEN = 'build_redriven'


def was_redriven(instance):
    try:
        sysmeta = instance.system_metadata     # loaded on first use
    except exception.NovaException:
        sysmeta = None      # a build request's instance: not in a cell
    return bool((sysmeta or {}).get(BUILD_REDRIVEN))


def mark_redriven(instance):
    instance.system_metadata = dict(instance.system_metadata or {},
                                    **{BUILD_REDRIVEN: '1'})


def build_image(spec, instance):
    """What a re-driven build gets as its image: the request spec's image
    metadata, else the instance's image id."""
    if spec.obj_attr_is_set('image') and spec.image:
        return spec.image
    return {'id': instance.image_ref}

