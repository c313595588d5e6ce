"""Compute API microversions: parsing, comparison and the supported range.

Each microversion's behaviour change is listed in
``compute/rest_api_version_history.rst``; raise ``MAX_VERSION`` only
together with an entry there.
"""

import re

from nova.api.openstack import errors

MIN_VERSION = '2.1'
MAX_VERSION = '2.91'
# What a request gets when it names no version.
DEFAULT_VERSION = MIN_VERSION

_VERSION_RE = re.compile(r'^([1-9]\d*)\.([1-9]\d*|0)$')


class APIVersionRequest:
    """A "major.minor" version; the null version (no string) sorts lowest."""

    def __init__(self, version_string=None):
        self.ver_major = 0
        self.ver_minor = 0
        if version_string is not None:
            match = _VERSION_RE.match(version_string)
            if not match:
                raise errors.InvalidAPIVersionString(version=version_string)
            self.ver_major = int(match.group(1))
            self.ver_minor = int(match.group(2))

    def _key(self):
        return (self.ver_major, self.ver_minor)

    def __lt__(self, other):
        return self._key() < other._key()

    def __le__(self, other):
        return self._key() <= other._key()

    def __gt__(self, other):
        return self._key() > other._key()

    def __ge__(self, other):
        return self._key() >= other._key()

    def __eq__(self, other):
        return isinstance(other, APIVersionRequest) and \
            self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def is_null(self):
        return self._key() == (0, 0)

    def matches(self, min_version=None, max_version=None):
        """True when min_version <= self <= max_version (None: unbounded)."""
        if min_version is not None and self < _as_version(min_version):
            return False
        return not (max_version is not None and self > _as_version(max_version))

    def get_string(self):
        return f'{self.ver_major}.{self.ver_minor}'

    __str__ = get_string

    def __repr__(self):
        return f'APIVersionRequest({self.get_string()})'


def _as_version(value):
    if isinstance(value, APIVersionRequest):
        return value
    return APIVersionRequest(value)


def min_api_version():
    return APIVersionRequest(MIN_VERSION)


def max_api_version():
    return APIVersionRequest(MAX_VERSION)


def is_supported(req, min_version=None, max_version=None):
    """True when the request's microversion lies in the given range."""
    return req.api_version_request.matches(min_version, max_version)
