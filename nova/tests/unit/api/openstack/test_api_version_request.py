"""Microversion parsing and comparison."""

import pytest

from nova.api.openstack import api_version_request as avr
from nova.api.openstack import errors


def test_ordering_is_numeric_not_lexical():
    assert avr.APIVersionRequest('2.10') > avr.APIVersionRequest('2.9')


def test_matches_range():
    version = avr.APIVersionRequest('2.19')
    assert version.matches('2.19', '2.25')
    assert not version.matches('2.20')
    assert not version.matches(None, '2.18')


@pytest.mark.parametrize('text', ['2', '2.', 'a.b', '2.1.0', '', '02.1'])
def test_bad_strings_raise(text):
    with pytest.raises(errors.InvalidAPIVersionString):
        avr.APIVersionRequest(text)


def test_max_is_not_below_min():
    assert avr.max_api_version() >= avr.min_api_version()
