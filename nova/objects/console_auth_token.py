"""ConsoleAuthToken: who may connect to which remote console, and until
when.

A compute service that hands out a console URL calls :meth:`authorize`,
which makes a random token, stores only its SHA-256 (a copy of the cell
DB must not give access to the consoles) with where the console is and
when the token expires (``[consoleauth] token_ttl``), and returns the
token for the URL. :meth:`validate` finds the record of a token again: an
unknown, expired or already used token, or one whose instance was
deleted, is an :class:`InvalidToken`. A console proxy validates with
``consume=True``: the record is deleted in the same step, so a token
opens one connection only. The admin API shows a record without
consuming it.
"""

import hashlib
from typing import ClassVar

import sqlalchemy as sa
from oslo_log import log as logging
from oslo_utils import timeutils, uuidutils

from nova import exception
from nova.db.main import api as main_db
from nova.db.main import models
from nova.i18n import _
from nova.objects import _db, base, fields

LOG = logging.getLogger(__name__)
T = models.ConsoleAuthToken
_FIELDS = ('id', 'console_type', 'host', 'port', 'tls_port',
           'internal_access_path', 'instance_uuid', 'access_url_base',
           'expires', 'created_at', 'updated_at')
# Console types whose proxy (noVNC) reads the token from the websocket
# path; the others take it as a query parameter.
_TOKEN_IN_PATH = ('novnc',)


class InvalidToken(exception.Invalid):
    # The token itself is never put in the message: it is a credential.
    msg_fmt = _('The console token is unknown, expired or already used.')


class _SecretString(fields.String):
    """A token: never shown by the object's repr (logs, tracebacks)."""

    def stringify(self, value):
        return "'****'" if value else repr(value)


class _SecretStringField(fields.AutoTypedField):
    AUTO_TYPE = _SecretString()


def hash_token(token):
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


def _now():
    # timeutils so that tests can move time with set_time_override.
    return int(timeutils.utcnow_ts())


def _reader(context):
    return main_db.get_context_manager(context).reader.using(context)


def _writer(context):
    return main_db.get_context_manager(context).writer.using(context)


@base.NovaObjectRegistry.register
class ConsoleAuthToken(base.NovaTimestampObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'console_type': fields.StringField(),
        'host': fields.StringField(),
        'port': fields.IntegerField(),
        'tls_port': fields.IntegerField(nullable=True),
        'internal_access_path': fields.StringField(nullable=True),
        'instance_uuid': fields.UUIDField(),
        'access_url_base': fields.StringField(nullable=True),
        # Epoch seconds after which the token is refused.
        'expires': fields.IntegerField(),
        # The token itself: only set on the object authorize() returned
        # it from; never stored.
        'token': _SecretStringField(nullable=True),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        return _db.from_row(obj, row, _FIELDS, context)

    @property
    def access_url(self):
        """The URL a user opens: ``access_url_base`` with the token, or
        None before :meth:`authorize` (or on a record read back, which
        has no token)."""
        if not self.obj_attr_is_set('token') or not self.token or \
                not self.access_url_base:
            return None
        sep = '&' if '?' in self.access_url_base else '?'
        if self.console_type in _TOKEN_IN_PATH:
            # noVNC opens the websocket at "path": the token rides in it.
            return (f'{self.access_url_base}{sep}path=%3Ftoken%3D'
                    f'{self.token}')
        return f'{self.access_url_base}{sep}token={self.token}'

    @base.remotable
    def authorize(self, ttl):
        """Store this console's record with a new token valid for ``ttl``
        seconds; returns the token (the only copy of it)."""
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='authorize',
                                              reason='already authorized')
        token = uuidutils.generate_uuid()
        self.expires = _now() + int(ttl)
        values = _db.changed_values(self, skip=('token',))
        values['token_hash'] = hash_token(token)
        values.setdefault('created_at', _db.utcnow())
        with _writer(self._context) as session:
            row = T(**values)
            session.add(row)
            session.flush()
            self._from_db_object(self._context, self, row)
        self.token = token
        self.obj_reset_changes(['token'])
        LOG.debug('Authorized a %s console of instance %s on %s:%s until '
                  '%s', self.console_type, self.instance_uuid, self.host,
                  self.port, self.expires)
        return token

    @base.remotable_classmethod
    def validate(cls, context, token, consume=False):
        """The record of ``token``; ``InvalidToken`` when the token is
        unknown, expired, already consumed or its instance deleted.
        ``consume=True`` (a console proxy connecting) deletes the record:
        the same token is refused afterwards."""
        if not token or not isinstance(token, str):
            raise InvalidToken()
        token_hash = hash_token(token)
        now = _now()
        obj = None
        with _writer(context) as session:
            row = session.execute(
                sa.select(T, models.Instance.deleted).outerjoin(
                    models.Instance,
                    models.Instance.uuid == T.instance_uuid).where(
                    T.token_hash == token_hash)).first()
            if row is None:
                raise InvalidToken()
            record, instance_deleted = row
            if record.expires <= now or instance_deleted:
                # Purged here rather than left for the periodic task (an
                # exception would roll the delete back: raised below).
                session.execute(sa.delete(T).where(T.id == record.id))
            else:
                obj = cls._from_db_object(context, cls(), record)
                # Deleting it in the same transaction makes it single-use,
                # even for two proxies racing with one token.
                if consume and not session.execute(
                        sa.delete(T).where(T.id == record.id)).rowcount:
                    obj = None
        if obj is None:
            raise InvalidToken()
        return obj

    @base.remotable_classmethod
    def clean_console_auths_for_instance(cls, context, instance_uuid):
        """Delete every token of ``instance_uuid`` (it is deleted)."""
        with _writer(context) as session:
            return session.execute(sa.delete(T).where(
                T.instance_uuid == instance_uuid)).rowcount

    @base.remotable_classmethod
    def clean_expired_console_auths(cls, context, host=None):
        """Delete the expired tokens (only those of the instances on
        compute ``host`` when given); returns how many.

        ``host`` of a record is where the console listens (an address the
        proxy can reach), not the compute service's name, so the compute
        host is matched through the token's instance.
        """
        query = sa.delete(T).where(T.expires <= _now())
        if host is not None:
            query = query.where(T.instance_uuid.in_(
                sa.select(models.Instance.uuid).where(
                    models.Instance.host == host)))
        with _writer(context) as session:
            return session.execute(
                query.execution_options(synchronize_session=False)).rowcount
