"""Instance: a server in a cell DB, with what hangs off it.

The ``instances`` row holds the columns; ``metadata``,
``system_metadata``, ``flavor`` (in ``instance_extra``), ``info_cache``,
``fault`` and ``tags`` live in their own tables and are loaded when asked
for (``expected_attrs``) or on first access.
"""

from typing import ClassVar

import sqlalchemy as sa
from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova import exception, notifications, objects
from nova.compute import task_states
from nova.db.main import api as main_db
from nova.db.main import models
from nova.objects import _db, base, fields

LOG = logging.getLogger(__name__)

# Fields that are columns of the instances table.
COLUMN_FIELDS = (
    'id', 'uuid', 'user_id', 'project_id', 'image_ref', 'kernel_id',
    'ramdisk_id', 'hostname', 'display_name', 'display_description',
    'launch_index', 'key_name', 'key_data', 'power_state', 'vm_state',
    'task_state', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb',
    'instance_type_id', 'host', 'node', 'launched_on', 'launched_at',
    'terminated_at', 'availability_zone', 'locked', 'locked_by',
    'config_drive', 'access_ip_v4', 'access_ip_v6', 'progress', 'user_data',
    'reservation_id', 'root_device_name', 'os_type', 'architecture',
    'cell_name', 'created_at', 'updated_at', 'deleted_at', 'deleted')
# Fields kept in other tables, loaded on demand.
EXTRA_FIELDS = ('metadata', 'system_metadata', 'flavor', 'old_flavor',
                'new_flavor', 'info_cache', 'fault', 'tags', 'trusted_certs')
_FLAVOR_SLOTS = {'flavor': 'cur', 'old_flavor': 'old', 'new_flavor': 'new'}


def _db_value(name, value):
    if name in ('access_ip_v4', 'access_ip_v6') and value is not None:
        return str(value)
    return _db.naive(value)


def _deleted_clause(context, model=models.Instance):
    mode = getattr(context, 'read_deleted', 'no')
    if mode == 'no':
        return model.deleted == 0
    if mode == 'only':
        return model.deleted != 0
    return sa.true()


# Loaders of the extra fields: {uuid: value} for many instances at once.

def _load_metadata(session, model, uuids):
    result = {u: {} for u in uuids}
    rows = session.scalars(sa.select(model).where(
        model.instance_uuid.in_(uuids), model.deleted == 0)).all()
    for row in rows:
        result[row.instance_uuid][row.key] = row.value
    return result


def _flavor_from_blob(blob, slot):
    if not blob:
        return None
    prim = jsonutils.loads(blob).get(slot)
    if prim is None:
        return None
    return objects.Flavor.obj_from_primitive(prim)


def _load_extra(session, uuids):
    rows = session.scalars(sa.select(models.InstanceExtra).where(
        models.InstanceExtra.instance_uuid.in_(uuids))).all()
    return {row.instance_uuid: row for row in rows}


def _trusted_certs_from_blob(blob):
    """The list of trusted certificate IDs (API 2.63) or None; also
    reads the ``{"nova_object.data": {"ids": [...]}}`` form."""
    if not blob:
        return None
    value = jsonutils.loads(blob)
    if isinstance(value, dict):
        value = (value.get('nova_object.data') or value).get('ids')
    return list(value) if value is not None else None


def _trusted_certs_blob(ids):
    return None if ids is None else jsonutils.dumps(list(ids))


def _load_extras(context, session, uuids, attrs):
    """{attr: {uuid: value}} for the extra ``attrs`` of ``uuids``."""
    loaded = {}
    uuids = list(uuids)
    if not uuids:
        return loaded
    if 'metadata' in attrs:
        loaded['metadata'] = _load_metadata(
            session, models.InstanceMetadata, uuids)
    if 'system_metadata' in attrs:
        loaded['system_metadata'] = _load_metadata(
            session, models.InstanceSystemMetadata, uuids)
    flavor_attrs = [a for a in _FLAVOR_SLOTS if a in attrs]
    if flavor_attrs or 'trusted_certs' in attrs:
        extra_rows = _load_extra(session, uuids)
        blobs = {u: row.flavor for u, row in extra_rows.items()}
        for attr in flavor_attrs:
            loaded[attr] = {u: _flavor_from_blob(blobs.get(u),
                                                 _FLAVOR_SLOTS[attr])
                            for u in uuids}
        if 'trusted_certs' in attrs:
            loaded['trusted_certs'] = {
                u: _trusted_certs_from_blob(
                    extra_rows[u].trusted_certs if u in extra_rows else None)
                for u in uuids}
    if 'info_cache' in attrs:
        rows = session.scalars(sa.select(models.InstanceInfoCache).where(
            models.InstanceInfoCache.instance_uuid.in_(uuids))).all()
        caches = {u: None for u in uuids}
        for row in rows:
            caches[row.instance_uuid] = \
                objects.InstanceInfoCache._from_db_object(
                    context, objects.InstanceInfoCache(), row)
        loaded['info_cache'] = caches
    if 'fault' in attrs:
        F = models.InstanceFault
        newest = sa.select(sa.func.max(F.id)).where(
            F.instance_uuid.in_(uuids)).group_by(F.instance_uuid)
        faults = {u: None for u in uuids}
        for row in session.scalars(sa.select(F).where(F.id.in_(newest))):
            faults[row.instance_uuid] = objects.InstanceFault._from_db_object(
                context, objects.InstanceFault(), row)
        loaded['fault'] = faults
    if 'tags' in attrs:
        tags = {u: [] for u in uuids}
        for row in session.scalars(sa.select(models.Tag).where(
                models.Tag.resource_id.in_(uuids)).order_by(models.Tag.tag)):
            tags[row.resource_id].append(row.tag)
        loaded['tags'] = tags
    return loaded


def _write_metadata(session, model, uuid, new, now):
    current = {row.key: row for row in session.scalars(sa.select(model).where(
        model.instance_uuid == uuid, model.deleted == 0))}
    for key, row in current.items():
        if key not in new:
            session.delete(row)
        elif row.value != new[key]:
            row.value = new[key]
            row.updated_at = now
    for key, value in new.items():
        if key not in current:
            session.add(model(instance_uuid=uuid, key=key, value=value,
                              created_at=now, deleted=0))


def _write_tags(session, uuid, tags):
    session.execute(sa.delete(models.Tag).where(
        models.Tag.resource_id == uuid))
    for tag in sorted(set(tags)):
        session.add(models.Tag(resource_id=uuid, tag=tag))


@base.NovaObjectRegistry.register
class Instance(base.NovaPersistentObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'image_ref': fields.StringField(nullable=True),
        'kernel_id': fields.StringField(nullable=True),
        'ramdisk_id': fields.StringField(nullable=True),
        'hostname': fields.StringField(nullable=True),
        'display_name': fields.StringField(nullable=True),
        'display_description': fields.StringField(nullable=True),
        'launch_index': fields.IntegerField(nullable=True),
        'key_name': fields.StringField(nullable=True),
        'key_data': fields.StringField(nullable=True),
        'power_state': fields.IntegerField(nullable=True),
        'vm_state': fields.StringField(nullable=True),
        'task_state': fields.StringField(nullable=True),
        'memory_mb': fields.IntegerField(nullable=True),
        'vcpus': fields.IntegerField(nullable=True),
        'root_gb': fields.IntegerField(nullable=True),
        'ephemeral_gb': fields.IntegerField(nullable=True),
        'instance_type_id': fields.IntegerField(nullable=True),
        'host': fields.StringField(nullable=True),
        'node': fields.StringField(nullable=True),
        'launched_on': fields.StringField(nullable=True),
        'launched_at': fields.DateTimeField(nullable=True),
        'terminated_at': fields.DateTimeField(nullable=True),
        'availability_zone': fields.StringField(nullable=True),
        'locked': fields.BooleanField(default=False),
        'locked_by': fields.StringField(nullable=True),
        'config_drive': fields.StringField(nullable=True),
        'access_ip_v4': fields.IPV4AddressField(nullable=True),
        'access_ip_v6': fields.IPV6AddressField(nullable=True),
        'progress': fields.IntegerField(nullable=True),
        'user_data': fields.StringField(nullable=True),
        'reservation_id': fields.StringField(nullable=True),
        'root_device_name': fields.StringField(nullable=True),
        'os_type': fields.StringField(nullable=True),
        'architecture': fields.StringField(nullable=True),
        'cell_name': fields.StringField(nullable=True),
        'metadata': fields.DictOfStringsField(default={}),
        'system_metadata': fields.DictOfNullableStringsField(default={}),
        'flavor': fields.ObjectField('Flavor'),
        'old_flavor': fields.ObjectField('Flavor', nullable=True),
        'new_flavor': fields.ObjectField('Flavor', nullable=True),
        'info_cache': fields.ObjectField('InstanceInfoCache', nullable=True),
        'fault': fields.ObjectField('InstanceFault', nullable=True),
        'tags': fields.ListOfStringsField(default=[]),
        # IDs of the certificates trusted to sign the image (API 2.63),
        # in instance_extra.trusted_certs.
        'trusted_certs': fields.ListOfStringsField(nullable=True),
    }

    @property
    def name(self):
        return f'instance-{self.id:08x}' if 'id' in self else self.uuid

    @staticmethod
    def _from_db_object(context, obj, row, expected_attrs=None, extras=None):
        _db.from_row(obj, row, COLUMN_FIELDS, context)
        obj.locked = bool(row.locked)
        for attr, by_uuid in (extras or {}).items():
            setattr(obj, attr, by_uuid.get(row.uuid))
        obj.obj_reset_changes()
        return obj

    # Reading -------------------------------------------------------------

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid, expected_attrs=None):
        attrs = list(expected_attrs or [])
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            row = session.scalars(sa.select(models.Instance).where(
                models.Instance.uuid == uuid, _deleted_clause(context))
            ).first()
            if row is None:
                raise exception.InstanceNotFound(instance_id=uuid)
            extras = _load_extras(context, session, [uuid], attrs)
            return cls._from_db_object(context, cls(), row, attrs, extras)

    @base.remotable_classmethod
    def get_by_id(cls, context, id, expected_attrs=None):
        with main_db.get_context_manager(context).reader.using(
                context) as session:
            uuid = session.scalar(sa.select(models.Instance.uuid).where(
                models.Instance.id == id))
        if uuid is None:
            raise exception.InstanceNotFound(instance_id=id)
        return cls.get_by_uuid(context, uuid, expected_attrs=expected_attrs)

    def obj_load_attr(self, attrname):
        if attrname not in EXTRA_FIELDS:
            raise exception.ObjectActionError(
                action='obj_load_attr',
                reason=f'attribute {attrname} not lazy-loadable')
        if not self._context:
            raise exception.OrphanedObjectError(method='obj_load_attr',
                                                objtype=self.obj_name())
        ctxt = self._context.elevated(read_deleted='yes')
        loaded = self.get_by_uuid(ctxt, self.uuid, expected_attrs=[attrname])
        setattr(self, attrname, getattr(loaded, attrname))
        self.obj_reset_changes([attrname])

    @base.remotable
    def refresh(self, use_slave=False):
        extra = [a for a in EXTRA_FIELDS if self.obj_attr_is_set(a)]
        ctxt = self._context.elevated(read_deleted='yes')
        current = self.__class__.get_by_uuid(ctxt, self.uuid,
                                             expected_attrs=extra)
        for name in COLUMN_FIELDS + tuple(extra):
            if current.obj_attr_is_set(name):
                setattr(self, name, getattr(current, name))
        self.obj_reset_changes()

    # Writing -------------------------------------------------------------

    def _column_values(self, changes):
        return {name: _db_value(name, getattr(self, name))
                for name in changes if name in COLUMN_FIELDS
                and name not in ('id', 'deleted')}

    def _flavor_blob(self):
        blob = {}
        for attr, slot in _FLAVOR_SLOTS.items():
            flavor = getattr(self, attr) if self.obj_attr_is_set(attr) \
                else None
            blob[slot] = flavor.obj_to_primitive() if flavor else None
        return jsonutils.dumps(blob)

    @base.remotable
    def create(self):
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        if not self.obj_attr_is_set('uuid'):
            self.uuid = _db.generate_uuid()
        now = _db.utcnow()
        values = self._column_values(self.obj_what_changed())
        values.setdefault('created_at', now)
        values.setdefault('locked', False)
        values['deleted'] = 0
        if self.obj_attr_is_set('flavor') and self.flavor is not None:
            values.setdefault('instance_type_id', self.flavor.id
                              if 'id' in self.flavor else None)
        with main_db.get_context_manager(self._context).writer.using(
                self._context) as session:
            if session.scalar(sa.select(models.Instance.id).where(
                    models.Instance.uuid == self.uuid)) is not None:
                raise exception.InstanceExists(name=self.uuid)
            row = models.Instance(**values)
            session.add(row)
            session.flush()
            if not self.obj_attr_is_set('trusted_certs'):
                self.trusted_certs = None
            session.add(models.InstanceExtra(
                instance_uuid=self.uuid, flavor=self._flavor_blob(),
                trusted_certs=_trusted_certs_blob(self.trusted_certs),
                created_at=now, deleted=0))
            metadata = self.metadata if self.obj_attr_is_set('metadata') \
                else {}
            sysmeta = self.system_metadata \
                if self.obj_attr_is_set('system_metadata') else {}
            _write_metadata(session, models.InstanceMetadata, self.uuid,
                            metadata, now)
            _write_metadata(session, models.InstanceSystemMetadata,
                            self.uuid, sysmeta, now)
            network_info = '[]'
            if self.obj_attr_is_set('info_cache') and self.info_cache:
                network_info = self.info_cache.network_info or '[]'
            cache_row = models.InstanceInfoCache(
                instance_uuid=self.uuid, network_info=network_info,
                created_at=now, deleted=0)
            session.add(cache_row)
            tags = self.tags if self.obj_attr_is_set('tags') else []
            _write_tags(session, self.uuid, tags)
            session.flush()
            self._from_db_object(self._context, self, row)
            self.metadata = dict(metadata)
            self.system_metadata = dict(sysmeta)
            self.info_cache = objects.InstanceInfoCache._from_db_object(
                self._context, objects.InstanceInfoCache(), cache_row)
            self.tags = sorted(set(tags))
            self.fault = None
            for attr in _FLAVOR_SLOTS:
                if not self.obj_attr_is_set(attr) and attr != 'flavor':
                    setattr(self, attr, None)
            self.obj_reset_changes()

    @staticmethod
    def _state_clause(column, expected):
        expected = list(expected) if isinstance(expected, (list, tuple,
                                                           set)) \
            else [expected]
        clauses = []
        values = [v for v in expected if v is not None]
        if values:
            clauses.append(column.in_(values))
        if None in expected:
            clauses.append(column.is_(None))
        return sa.or_(*clauses)

    @base.remotable
    def save(self, expected_vm_state=None, expected_task_state=None,
             admin_state_reset=False):
        """Write the changes. With ``expected_task_state`` /
        ``expected_vm_state`` the UPDATE only matches a row still in one
        of those states (a compare-and-swap in SQL), else
        ``UnexpectedTaskStateError``."""
        changes = self.obj_what_changed()
        now = _db.utcnow()
        values = self._column_values(changes)
        values['updated_at'] = now
        I = models.Instance
        with main_db.get_context_manager(self._context).writer.using(
                self._context) as session:
            where = [I.uuid == self.uuid]
            former = self._former_values(session, changes)
            if expected_task_state is not None:
                where.append(self._state_clause(I.task_state,
                                                expected_task_state))
            if expected_vm_state is not None:
                where.append(self._state_clause(I.vm_state,
                                                expected_vm_state))
            count = session.execute(sa.update(I).where(*where).values(
                **values).execution_options(synchronize_session=False)
            ).rowcount
            if not count:
                self._raise_unexpected(session, expected_task_state,
                                       expected_vm_state)
            if 'metadata' in changes:
                _write_metadata(session, models.InstanceMetadata, self.uuid,
                                self.metadata, now)
            if 'system_metadata' in changes:
                _write_metadata(session, models.InstanceSystemMetadata,
                                self.uuid, self.system_metadata, now)
            if changes & set(_FLAVOR_SLOTS):
                session.execute(sa.update(models.InstanceExtra).where(
                    models.InstanceExtra.instance_uuid == self.uuid).values(
                    flavor=self._merged_flavor_blob(session),
                    updated_at=now))
            if 'tags' in changes:
                _write_tags(session, self.uuid, self.tags)
            if 'trusted_certs' in changes:
                session.execute(sa.update(models.InstanceExtra).where(
                    models.InstanceExtra.instance_uuid == self.uuid).values(
                    trusted_certs=_trusted_certs_blob(self.trusted_certs),
                    updated_at=now))
        if 'info_cache' in changes and self.info_cache is not None:
            self.info_cache._context = self._context
            self.info_cache.save()
        self.updated_at = now
        self.obj_reset_changes()
        if former is not None:
            notifications.notify_about_instance_update(self._context, self,
                                                       former)

    def _former_values(self, session, changes):
        # What instance.update reports as "old": read only when it is to
        # be sent (an option), under the row lock the UPDATE takes anyway.
        if not notifications.wants_instance_update(changes):
            return None
        fields_ = sorted(notifications.UPDATE_FIELDS)
        row = session.execute(
            sa.select(*(getattr(models.Instance, f) for f in fields_))
            .where(models.Instance.uuid == self.uuid)
            .with_for_update()).first()
        return dict(zip(fields_, row)) if row is not None else None

    def _merged_flavor_blob(self, session):
        # Only the slots loaded on this object are rewritten.
        blob = session.scalar(sa.select(models.InstanceExtra.flavor).where(
            models.InstanceExtra.instance_uuid == self.uuid))
        current = jsonutils.loads(blob) if blob else {}
        for attr, slot in _FLAVOR_SLOTS.items():
            if self.obj_attr_is_set(attr):
                flavor = getattr(self, attr)
                current[slot] = flavor.obj_to_primitive() if flavor else None
        return jsonutils.dumps(current)

    def _raise_unexpected(self, session, expected_task_state,
                          expected_vm_state):
        row = session.execute(sa.select(
            models.Instance.task_state, models.Instance.vm_state).where(
            models.Instance.uuid == self.uuid)).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=self.uuid)
        if expected_task_state is not None:
            if row.task_state == task_states.DELETING:
                raise exception.UnexpectedDeletingTaskStateError(
                    instance_uuid=self.uuid, expected=expected_task_state,
                    actual=row.task_state)
            raise exception.UnexpectedTaskStateError(
                instance_uuid=self.uuid, expected=expected_task_state,
                actual=row.task_state)
        raise exception.UnexpectedTaskStateError(
            instance_uuid=self.uuid,
            expected={'vm_state': expected_vm_state},
            actual={'vm_state': row.vm_state})

    @base.remotable
    def destroy(self, hard_delete=False):
        """Soft-delete the instance (``deleted = id``) and what hangs off
        it; pending changes of the object (vm_state...) are written too."""
        if not self.obj_attr_is_set('uuid'):
            raise exception.ObjectActionError(action='destroy',
                                              reason='no uuid')
        now = _db.utcnow()
        values = self._column_values(self.obj_what_changed())
        values.update(deleted=models.Instance.id, deleted_at=now,
                      updated_at=now)
        I = models.Instance
        with main_db.get_context_manager(self._context).writer.using(
                self._context) as session:
            count = session.execute(sa.update(I).where(
                I.uuid == self.uuid, I.deleted == 0).values(**values)
            ).rowcount
            if not count:
                raise exception.InstanceNotFound(instance_id=self.uuid)
            for model in (models.InstanceExtra, models.InstanceInfoCache,
                          models.InstanceMetadata,
                          models.InstanceSystemMetadata,
                          models.BlockDeviceMapping):
                session.execute(sa.update(model).where(
                    model.instance_uuid == self.uuid,
                    model.deleted == 0).values(
                    deleted=model.id, deleted_at=now))
            session.execute(sa.delete(models.Tag).where(
                models.Tag.resource_id == self.uuid))
            row = session.scalars(sa.select(I).where(I.uuid == self.uuid)
                                  ).first()
            session.refresh(row)
            self._from_db_object(self._context, self, row)

