"""KeyPair: a user's SSH (or x509) public key (API DB)."""

from typing import ClassVar

import sqlalchemy as sa

from nova import exception
from nova.db.api import api as api_db
from nova.db.api import models
from nova.objects import _db, base, fields

KEYPAIR_TYPE_SSH = 'ssh'
KEYPAIR_TYPE_X509 = 'x509'
_FIELDS = ('id', 'name', 'user_id', 'fingerprint', 'public_key', 'type',
           'created_at', 'updated_at')


@base.NovaObjectRegistry.register
class KeyPair(base.NovaTimestampObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'name': fields.StringField(nullable=False),
        'user_id': fields.StringField(nullable=True),
        'fingerprint': fields.StringField(nullable=True),
        'public_key': fields.StringField(nullable=True),
        'type': fields.StringField(default=KEYPAIR_TYPE_SSH),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        return _db.from_row(obj, row, _FIELDS, context)

    @base.remotable_classmethod
    def get_by_name(cls, context, user_id, name):
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(models.KeyPair).where(
                models.KeyPair.user_id == user_id,
                models.KeyPair.name == name)).first()
            if row is None:
                raise exception.KeypairNotFound(user_id=user_id, name=name)
            return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        values = _db.changed_values(self)
        values.setdefault('created_at', _db.utcnow())
        values.setdefault('type', KEYPAIR_TYPE_SSH)
        with api_db.context_manager.writer.using(self._context) as session:
            exists = session.scalar(sa.select(models.KeyPair.id).where(
                models.KeyPair.user_id == self.user_id,
                models.KeyPair.name == self.name))
            if exists is not None:
                raise exception.KeyPairExists(key_name=self.name)
            row = models.KeyPair(**values)
            session.add(row)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        with api_db.context_manager.writer.using(self._context) as session:
            count = session.execute(sa.delete(models.KeyPair).where(
                models.KeyPair.user_id == self.user_id,
                models.KeyPair.name == self.name)).rowcount
            if not count:
                raise exception.KeypairNotFound(user_id=self.user_id,
                                                name=self.name)

    @classmethod
    def destroy_by_name(cls, context, user_id, name):
        cls(context, user_id=user_id, name=name).destroy()


@base.NovaObjectRegistry.register
class KeyPairList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('KeyPair')}

    @base.remotable_classmethod
    def get_by_user(cls, context, user_id, limit=None, marker=None):
        K = models.KeyPair
        with api_db.context_manager.reader.using(context) as session:
            query = sa.select(K).where(K.user_id == user_id).order_by(
                K.name)
            if marker is not None:
                if session.scalar(sa.select(K.id).where(
                        K.user_id == user_id, K.name == marker)) is None:
                    raise exception.MarkerNotFound(marker=marker)
                query = query.where(K.name > marker)
            if limit is not None:
                query = query.limit(int(limit))
            rows = session.scalars(query).all()
            return base.obj_make_list(context, cls(context), rows)

    @base.remotable_classmethod
    def get_count_by_user(cls, context, user_id):
        with api_db.context_manager.reader.using(context) as session:
            return session.scalar(sa.select(sa.func.count()).where(
                models.KeyPair.user_id == user_id))
