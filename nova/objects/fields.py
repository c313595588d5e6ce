"""Field types of nova's objects (oslo.versionedobjects, re-exported).

Adds :class:`SecretURLField` for URLs that carry credentials (a cell's
transport URL and DB connection): an object's ``repr`` is what ends up in
log lines and tracebacks, so it shows such URLs with the password masked.
"""

import re

from oslo_utils import strutils
from oslo_versionedobjects.fields import *
from oslo_versionedobjects.fields import AutoTypedField, String

MASK = '****'

# user:password@ after the scheme or, in a multi-host oslo.messaging URL,
# after a comma. The password runs to the first '@' (as SQLAlchemy reads
# it), so one holding a raw ':' or '/' is masked whole; a URL that has an
# '@' but no credentials is masked too much rather than too little.
_USERINFO = re.compile(r'(://|,)([^:/@,?#]*):([^@]*?)@')


def mask_url(url, secret=MASK):
    """``url`` with every password in it replaced by ``secret``.

    Works on SQLAlchemy DB URLs, oslo.messaging transport URLs (several
    ``user:password@host`` entries) and libvirt URIs; ``password=...``
    in a query string is masked too. Anything but a str is returned as is.
    """
    if not url or not isinstance(url, str):
        return url
    masked = _USERINFO.sub(lambda m: f'{m[1]}{m[2]}:{secret}@', url)
    return strutils.mask_password(masked, secret=secret)


class SecretURL(String):
    """A URL that may hold a password: masked when stringified."""

    def stringify(self, value):
        return super().stringify(mask_url(value))


class SecretURLField(AutoTypedField):
    AUTO_TYPE = SecretURL()
