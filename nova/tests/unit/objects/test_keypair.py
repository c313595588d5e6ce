import pytest

from nova import exception, objects


def _key(ctxt, name='k1', user_id='u1'):
    key = objects.KeyPair(ctxt, name=name, user_id=user_id,
                          fingerprint='fp', public_key='ssh-rsa AAAA',
                          type='ssh')
    key.create()
    return key


def test_create_and_get(ctxt):
    _key(ctxt)
    key = objects.KeyPair.get_by_name(ctxt, 'u1', 'k1')
    assert (key.public_key, key.type) == ('ssh-rsa AAAA', 'ssh')
    assert key.created_at is not None


def test_duplicate_name_for_user_refused(ctxt):
    _key(ctxt)
    _key(ctxt, user_id='u2')    # another user may reuse the name
    with pytest.raises(exception.KeyPairExists):
        _key(ctxt)


def test_destroy_then_missing(ctxt):
    _key(ctxt).destroy()
    with pytest.raises(exception.KeypairNotFound):
        objects.KeyPair.get_by_name(ctxt, 'u1', 'k1')


def test_list_by_user_paged(ctxt):
    for name in ('c', 'a', 'b'):
        _key(ctxt, name=name)
    _key(ctxt, name='z', user_id='other')
    assert [k.name for k in objects.KeyPairList.get_by_user(ctxt, 'u1')] \
        == ['a', 'b', 'c']
    assert [k.name for k in objects.KeyPairList.get_by_user(
        ctxt, 'u1', limit=1, marker='a')] == ['b']
    assert objects.KeyPairList.get_count_by_user(ctxt, 'u1') == 3
