"""Instance faults recorded from exceptions."""

import sys

import pytest
from oslo_utils import uuidutils

from nova import exception, objects
from nova.compute import utils as compute_utils


@pytest.fixture
def instance(ctxt):
    inst = objects.Instance(ctxt, uuid=uuidutils.generate_uuid(),
                            host='h1', vm_state='building')
    inst.create()
    return inst


def test_nova_exception_keeps_its_code_and_message(ctxt, instance):
    compute_utils.add_instance_fault_from_exc(
        ctxt, instance, exception.ImageNotFound(image_id='abc'))
    fault = objects.InstanceFault.get_latest_for_instance(ctxt,
                                                          instance.uuid)
    assert (fault.code, fault.message, fault.host) == (
        404, 'Image abc could not be found.', 'h1')


def test_unexpected_error_is_500_named_by_its_class(ctxt, instance):
    try:
        raise ValueError('bad thing')
    except ValueError as exc:
        compute_utils.add_instance_fault_from_exc(ctxt, instance, exc,
                                                  sys.exc_info())
    fault = objects.InstanceFault.get_latest_for_instance(ctxt,
                                                          instance.uuid)
    assert (fault.code, fault.message) == (500, 'ValueError: bad thing')
    assert 'Traceback' in fault.details


def test_long_message_is_cut_to_the_column(ctxt, instance):
    compute_utils.add_instance_fault_from_exc(
        ctxt, instance, RuntimeError('x'), fault_message='y' * 1000)
    fault = objects.InstanceFault.get_latest_for_instance(ctxt,
                                                          instance.uuid)
    assert fault.message == 'y' * compute_utils.MAX_FAULT_MESSAGE


def test_a_call_that_timed_out_says_so_in_the_fault():
    import oslo_messaging as messaging
    code, message = compute_utils.exception_to_fault(
        messaging.MessagingTimeout('Timed out waiting for a reply to 42'))
    assert code == 500
    assert message.startswith('A service did not answer in time over the '
                              'message bus')
    assert 'reply to 42' in message
