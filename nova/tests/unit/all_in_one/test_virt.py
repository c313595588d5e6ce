"""How nova-all picks its virt driver."""

import pytest

from nova.all_in_one import virt


def test_fake_when_asked():
    driver, reason = virt.choose('fake')
    assert driver == virt.FAKE
    assert '--virt fake' in reason


def test_fake_with_a_reason_when_the_libvirt_driver_is_missing(monkeypatch):
    monkeypatch.setattr(virt, '_libvirt_driver_exists', lambda: False)
    driver, reason = virt.choose(None)
    assert driver == virt.FAKE
    assert 'libvirt driver' in reason


def test_libvirt_by_default_where_libvirtd_answers(monkeypatch):
    monkeypatch.setattr(virt, '_libvirt_driver_exists', lambda: True)
    monkeypatch.setattr(virt, '_libvirt_answers', lambda: (True, ''))
    assert virt.choose(None)[0] == virt.LIBVIRT


def test_fake_by_default_where_libvirtd_does_not_answer(monkeypatch):
    monkeypatch.setattr(virt, '_libvirt_driver_exists', lambda: True)
    monkeypatch.setattr(virt, '_libvirt_answers', lambda: (False, 'no socket'))
    driver, reason = virt.choose(None)
    assert driver == virt.FAKE
    assert 'no socket' in reason


def test_asking_for_libvirt_without_libvirtd_is_an_error(monkeypatch):
    monkeypatch.setattr(virt, '_libvirt_driver_exists', lambda: True)
    monkeypatch.setattr(virt, '_libvirt_answers', lambda: (False, 'no socket'))
    with pytest.raises(RuntimeError, match='no socket'):
        virt.choose('libvirt')
