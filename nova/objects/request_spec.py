"""RequestSpec: what the scheduler needs to place an instance (API DB).

The whole object is stored as one JSON ``spec`` column, so a new field
needs no migration; fields that only matter during one scheduling
(``requested_networks``, ``retry_hosts``) are not stored.
"""

from typing import ClassVar

import sqlalchemy as sa
from oslo_serialization import jsonutils

from nova import exception
from nova.db.api import api as api_db
from nova.db.api import models
from nova.objects import _db, base, fields

_NOT_PERSISTED = ('id', 'requested_networks', 'retry_hosts', 'requested_cell')


@base.NovaObjectRegistry.register
class RequestSpec(base.NovaObject):
    # 1.1: requested_cell
    VERSION = '1.1'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'flavor': fields.ObjectField('Flavor', nullable=False),
        'image': fields.ObjectField('ImageMeta', nullable=True),
        'num_instances': fields.IntegerField(default=1),
        'availability_zone': fields.StringField(nullable=True),
        'scheduler_hints': fields.DictOfListOfStringsField(nullable=True),
        'ignore_hosts': fields.ListOfStringsField(nullable=True),
        'force_hosts': fields.ListOfStringsField(nullable=True),
        'force_nodes': fields.ListOfStringsField(nullable=True),
        'requested_networks': fields.ListOfDictOfNullableStringsField(
            nullable=True),
        'is_bfv': fields.BooleanField(default=False),
        'retry_hosts': fields.ListOfStringsField(default=[]),
        # A move: the uuid of the instance's cell, the only one whose
        # hosts can take it (its row lives in that cell's database).
        'requested_cell': fields.UUIDField(nullable=True, default=None),
        # The server group the instance was booted into (the ``group``
        # hint); the scheduler enforces its policy.
        'instance_group': fields.ObjectField('InstanceGroup', nullable=True,
                                             default=None),
    }

    @classmethod
    def from_components(cls, context, instance_uuid, image, flavor,
                        num_instances, availability_zone, scheduler_hints,
                        project_id, user_id, requested_networks=None,
                        is_bfv=False):
        hints = {}
        for key, value in (scheduler_hints or {}).items():
            values = value if isinstance(value, (list, tuple)) else [value]
            hints[key] = [str(v) for v in values]
        if isinstance(image, dict):
            from nova.objects import image_meta
            image = image_meta.ImageMeta.from_dict(image)
        return cls(context, instance_uuid=instance_uuid, image=image,
                   flavor=flavor, num_instances=num_instances,
                   availability_zone=availability_zone,
                   scheduler_hints=hints, project_id=project_id,
                   user_id=user_id, ignore_hosts=None, force_hosts=None,
                   force_nodes=None, requested_networks=requested_networks,
                   is_bfv=is_bfv, retry_hosts=[])

    def get_scheduler_hint(self, name, default=None):
        values = (self.scheduler_hints or {}).get(name) \
            if 'scheduler_hints' in self else None
        if not values:
            return default
        return values[0] if len(values) == 1 else values

    def _to_spec(self):
        copy = self.obj_clone()
        for name in _NOT_PERSISTED:
            if name in copy:
                delattr(copy, name)
        return jsonutils.dumps(copy.obj_to_primitive())

    @classmethod
    def _from_db_object(cls, context, obj, row):
        loaded = cls.obj_from_primitive(jsonutils.loads(row.spec))
        for name in cls.fields:
            if name in loaded and name not in _NOT_PERSISTED:
                setattr(obj, name, getattr(loaded, name))
        obj.id = row.id
        obj.retry_hosts = []
        obj._context = context
        obj.obj_reset_changes(recursive=True)
        return obj

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(models.RequestSpec).where(
                models.RequestSpec.instance_uuid == instance_uuid)).first()
            if row is None:
                raise exception.RequestSpecNotFound(
                    instance_uuid=instance_uuid)
            return cls._from_db_object(context, cls(), row)

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        with api_db.context_manager.writer.using(self._context) as session:
            row = models.RequestSpec(instance_uuid=self.instance_uuid,
                                     spec=self._to_spec(),
                                     created_at=_db.utcnow())
            session.add(row)
            session.flush()
            self.id = row.id
            self.obj_reset_changes(recursive=True)

    @base.remotable
    def save(self):
        with api_db.context_manager.writer.using(self._context) as session:
            count = session.execute(sa.update(models.RequestSpec).where(
                models.RequestSpec.instance_uuid == self.instance_uuid
            ).values(spec=self._to_spec(), updated_at=_db.utcnow())).rowcount
            if not count:
                raise exception.RequestSpecNotFound(
                    instance_uuid=self.instance_uuid)
            self.obj_reset_changes(recursive=True)

    @base.remotable
    def destroy(self):
        with api_db.context_manager.writer.using(self._context) as session:
            count = session.execute(sa.delete(models.RequestSpec).where(
                models.RequestSpec.instance_uuid == self.instance_uuid)
            ).rowcount
            if not count:
                raise exception.RequestSpecNotFound(
                    instance_uuid=self.instance_uuid)
