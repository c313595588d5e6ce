"""ConsoleAuthToken: only the hash is stored; tokens expire, are
single-use when consumed and die with their instance."""

import datetime
import hashlib

import pytest
import sqlalchemy as sa
from oslo_utils import timeutils, uuidutils

from nova import objects
from nova.db.main import api as main_db
from nova.db.main import models
from nova.objects import console_auth_token

InvalidToken = console_auth_token.InvalidToken


@pytest.fixture(autouse=True)
def _real_time():
    yield
    timeutils.clear_time_override()


def _instance(ctxt, host='host1'):
    inst = objects.Instance(ctxt, uuid=uuidutils.generate_uuid(),
                            project_id='p', user_id='u', host=host)
    inst.create()
    return inst


def _authorize(ctxt, inst, ttl=600, console_type='novnc'):
    record = objects.ConsoleAuthToken(
        ctxt, console_type=console_type, host='192.0.2.5', port=5901,
        internal_access_path=None, instance_uuid=inst.uuid,
        access_url_base='http://proxy.example.org:6080/vnc_auto.html')
    return record, record.authorize(ttl)


def _rows(ctxt):
    with main_db.get_context_manager(ctxt).reader.using(ctxt) as session:
        return session.scalars(sa.select(models.ConsoleAuthToken)).all()


def _later(seconds):
    timeutils.set_time_override(
        timeutils.utcnow() + datetime.timedelta(seconds=seconds))


def test_only_the_sha256_of_the_token_is_stored(ctxt):
    inst = _instance(ctxt)
    _record, token = _authorize(ctxt, inst)
    [row] = _rows(ctxt)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    columns = [getattr(row, c.name) for c in row.__table__.columns]
    assert not any(token in str(value) for value in columns)


def test_validate_returns_where_the_console_is(ctxt):
    inst = _instance(ctxt)
    _record, token = _authorize(ctxt, inst)
    found = objects.ConsoleAuthToken.validate(ctxt, token)
    assert (found.instance_uuid, found.host, found.port,
            found.console_type) == (inst.uuid, '192.0.2.5', 5901, 'novnc')


def test_showing_does_not_consume(ctxt):
    inst = _instance(ctxt)
    _record, token = _authorize(ctxt, inst)
    objects.ConsoleAuthToken.validate(ctxt, token)
    assert objects.ConsoleAuthToken.validate(ctxt, token).instance_uuid == \
        inst.uuid


def test_consumed_token_is_refused_the_second_time(ctxt):
    inst = _instance(ctxt)
    _record, token = _authorize(ctxt, inst)
    objects.ConsoleAuthToken.validate(ctxt, token, consume=True)
    with pytest.raises(InvalidToken):
        objects.ConsoleAuthToken.validate(ctxt, token, consume=True)
    with pytest.raises(InvalidToken):
        objects.ConsoleAuthToken.validate(ctxt, token)


def test_unknown_token_is_invalid(ctxt):
    _authorize(ctxt, _instance(ctxt))
    with pytest.raises(InvalidToken):
        objects.ConsoleAuthToken.validate(ctxt, uuidutils.generate_uuid())


def test_expired_token_is_invalid_and_purged(ctxt):
    inst = _instance(ctxt)
    _record, token = _authorize(ctxt, inst, ttl=30)
    _later(29)
    objects.ConsoleAuthToken.validate(ctxt, token)
    _later(2)
    with pytest.raises(InvalidToken):
        objects.ConsoleAuthToken.validate(ctxt, token)
    assert _rows(ctxt) == []


def test_token_of_deleted_instance_is_invalid(ctxt):
    inst = _instance(ctxt)
    _record, token = _authorize(ctxt, inst)
    inst.destroy()
    with pytest.raises(InvalidToken):
        objects.ConsoleAuthToken.validate(ctxt, token)


def test_clean_for_instance_removes_only_its_tokens(ctxt):
    inst, other = _instance(ctxt), _instance(ctxt)
    _r, token1 = _authorize(ctxt, inst)
    _r, token2 = _authorize(ctxt, inst)
    _r, kept = _authorize(ctxt, other)
    assert objects.ConsoleAuthToken.clean_console_auths_for_instance(
        ctxt, inst.uuid) == 2
    for token in (token1, token2):
        with pytest.raises(InvalidToken):
            objects.ConsoleAuthToken.validate(ctxt, token)
    assert objects.ConsoleAuthToken.validate(ctxt, kept).instance_uuid == \
        other.uuid


def test_clean_expired_for_host_keeps_live_and_other_hosts_tokens(ctxt):
    here, there = _instance(ctxt, 'host1'), _instance(ctxt, 'host2')
    _authorize(ctxt, here, ttl=10)
    _authorize(ctxt, there, ttl=10)
    _r, live = _authorize(ctxt, here, ttl=100)
    _later(20)
    assert objects.ConsoleAuthToken.clean_expired_console_auths(
        ctxt, host='host1') == 1
    assert len(_rows(ctxt)) == 2
    assert objects.ConsoleAuthToken.validate(ctxt, live).instance_uuid == \
        here.uuid


def test_novnc_url_carries_the_token_in_the_websocket_path(ctxt):
    record, token = _authorize(ctxt, _instance(ctxt))
    assert record.access_url == ('http://proxy.example.org:6080/vnc_auto.html'
                                 f'?path=%3Ftoken%3D{token}')


def test_other_consoles_take_the_token_as_a_query_parameter(ctxt):
    record, token = _authorize(ctxt, _instance(ctxt),
                               console_type='spice-html5')
    assert record.access_url.endswith(f'/vnc_auto.html?token={token}')


def test_token_is_masked_in_repr(ctxt):
    record, token = _authorize(ctxt, _instance(ctxt))
    assert record.token == token
    assert token not in repr(record)
