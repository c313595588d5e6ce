"""Passwords that nova handles in memory never reach a log line: RPC
message logs, object and argument reprs, driver error messages."""

import json
import logging
import types

import pytest

from nova import exception, objects, rpc
from nova.compute import build, power

SECRET = 'S3cr3t-9f2e7d'


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.NOTSET)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def captured():
    """Records of oslo.messaging's rabbit driver logger, at every level."""
    logger = logging.getLogger('oslo_messaging._drivers.impl_rabbit')
    handler = _Records()
    old_level = logger.level
    logger.setLevel(1)
    logger.addHandler(handler)
    yield logger, handler
    logger.removeHandler(handler)
    logger.setLevel(old_level)
    logger.removeFilter(rpc.SECRET_FILTER)


def _wire_message():
    """What the rabbit driver logs at TRACE when it publishes a call."""
    body = {'method': 'set_admin_password',
            'args': {'instance': {'nova_object.name': 'Instance'},
                     'new_pass': SECRET},
            '_context_auth_token': 'tok-' + SECRET,
            '_unique_id': 'abc'}
    return {'oslo.version': '2.0', 'oslo.message': json.dumps(body)}


def test_messaging_logs_are_masked(captured):
    logger, handler = captured
    rpc.mask_messaging_logs()
    logger.log(5, 'Connection._publish: sending message %(msg)s to %(who)s',
               {'msg': _wire_message(), 'who': 'compute.host1'})
    for key in ('admin_password', 'rescue_password'):
        logger.debug('args %s', {key: SECRET, 'instance': 'uuid-1'})
    assert len(handler.lines) == 3
    assert all(SECRET not in line for line in handler.lines), handler.lines
    assert 'Connection._publish: sending message' in handler.lines[0]


def test_without_the_filter_the_message_would_leak(captured):
    # Proves the test above looks where the secret would be.
    logger, handler = captured
    logger.removeFilter(rpc.SECRET_FILTER)
    logger.log(5, 'sending message %s', _wire_message())
    assert SECRET in handler.lines[0]


def test_masking_keeps_records_without_secrets(captured):
    logger, handler = captured
    rpc.mask_messaging_logs()
    logger.debug('Sending topic to %s with routing_key %s', 'nova', 'compute')
    assert handler.lines == ['Sending topic to nova with routing_key compute']


def test_cell_mapping_repr_masks_urls():
    objects.register_all()
    cell = objects.CellMapping(
        uuid='11111111-2222-3333-4444-555555555555', name='cell1',
        transport_url=f'rabbit://nova:{SECRET}@mq1:5672,nova:{SECRET}@mq2/',
        database_connection=f'mysql+pymysql://nova:{SECRET}@db/nova')
    text = repr(cell)
    assert SECRET not in text
    assert 'rabbit://nova:****@mq1:5672,nova:****@mq2/' in text
    assert 'mysql+pymysql://nova:****@db/nova' in text
    # The values themselves are intact: only their display is masked.
    assert cell.database_connection.endswith(f':{SECRET}@db/nova')


def test_build_arguments_repr_hides_password_and_files():
    args = build.BuildRequestArgs(
        admin_password=SECRET, injected_files=[('/etc/motd', SECRET + 'f')],
        node='node1')
    text = repr(args)
    assert SECRET not in text
    assert "node='node1'" in text


def _set_password_failing_with(monkeypatch, error):
    monkeypatch.setattr(
        power, 'run_action',
        lambda mgr, ctxt, inst, action, work, raise_errors=False: work())

    def refuse(instance, new_pass):
        raise error
    mgr = types.SimpleNamespace(driver=types.SimpleNamespace(
        set_admin_password=refuse))
    inst = types.SimpleNamespace(uuid='inst-1')
    with pytest.raises(exception.InstancePasswordSetFailed) as err:
        power.set_admin_password(mgr, None, inst, SECRET)
    return err.value


def test_driver_error_echoing_the_password_is_scrubbed(monkeypatch):
    exc = _set_password_failing_with(
        monkeypatch, RuntimeError(f'agent refused password {SECRET}: weak'))
    message = exc.format_message()
    assert SECRET not in message
    assert 'agent refused password ****: weak' in message
    # Not in a chained traceback either.
    assert exc.__cause__ is None and exc.__suppress_context__


def test_driver_error_without_the_password_keeps_its_cause(monkeypatch):
    cause = RuntimeError('guest agent not running')
    exc = _set_password_failing_with(monkeypatch, cause)
    assert 'guest agent not running' in exc.format_message()
    assert exc.__cause__ is cause
