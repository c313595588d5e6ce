"""ComputeNode: a hypervisor's resources as its compute reports them."""

from typing import ClassVar

import sqlalchemy as sa
from oslo_serialization import jsonutils

from nova import exception
from nova.db.main import api as main_db
from nova.db.main import models
from nova.objects import _db, base, fields

CN = models.ComputeNode
_FIELDS = ('id', 'uuid', 'service_id', 'host', 'hypervisor_hostname',
           'vcpus', 'memory_mb', 'local_gb', 'vcpus_used', 'memory_mb_used',
           'local_gb_used', 'hypervisor_type', 'hypervisor_version',
           'cpu_info', 'free_ram_mb', 'free_disk_gb', 'running_vms',
           'disk_available_least', 'current_workload', 'host_ip',
           'cpu_allocation_ratio', 'ram_allocation_ratio',
           'disk_allocation_ratio', 'created_at', 'updated_at',
           'deleted_at', 'deleted')


def _reader(context):
    return main_db.get_context_manager(context).reader.using(context)


def _writer(context):
    return main_db.get_context_manager(context).writer.using(context)


@base.NovaObjectRegistry.register
class ComputeNode(base.NovaPersistentObject, base.NovaObject):
    # 1.1: stats
    VERSION = '1.1'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'service_id': fields.IntegerField(nullable=True),
        'host': fields.StringField(nullable=True),
        'hypervisor_hostname': fields.StringField(nullable=True),
        'vcpus': fields.IntegerField(),
        'memory_mb': fields.IntegerField(),
        'local_gb': fields.IntegerField(),
        'vcpus_used': fields.IntegerField(default=0),
        'memory_mb_used': fields.IntegerField(default=0),
        'local_gb_used': fields.IntegerField(default=0),
        'hypervisor_type': fields.StringField(),
        'hypervisor_version': fields.IntegerField(),
        'cpu_info': fields.StringField(default='{}'),
        'free_ram_mb': fields.IntegerField(nullable=True),
        'free_disk_gb': fields.IntegerField(nullable=True),
        'running_vms': fields.IntegerField(nullable=True),
        'disk_available_least': fields.IntegerField(nullable=True),
        'current_workload': fields.IntegerField(nullable=True),
        'host_ip': fields.IPAddressField(nullable=True),
        'cpu_allocation_ratio': fields.FloatField(nullable=True),
        'ram_allocation_ratio': fields.FloatField(nullable=True),
        'disk_allocation_ratio': fields.FloatField(nullable=True),
        # What the compute counts beyond the columns (failed_builds).
        'stats': fields.DictOfStringsField(default={}),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        _db.from_row(obj, row, _FIELDS, context)
        try:
            obj.stats = jsonutils.loads(row.stats or '{}')
        except ValueError:
            obj.stats = {}
        obj.obj_reset_changes(['stats'])
        return obj

    def _values(self, skip=()):
        values = _db.changed_values(self, skip=('id', 'deleted') + skip)
        if values.get('host_ip') is not None:
            values['host_ip'] = str(values['host_ip'])
        if 'stats' in values:
            values['stats'] = jsonutils.dumps(values['stats'] or {})
        for name in ('vcpus_used', 'memory_mb_used', 'local_gb_used'):
            if name in values and values[name] is None:
                values[name] = 0
        return values

    @classmethod
    def _get(cls, context, *where, not_found):
        with _reader(context) as session:
            row = session.scalars(sa.select(CN).where(
                CN.deleted == 0, *where).order_by(CN.id)).first()
            if row is None:
                raise not_found
            return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def get_by_id(cls, context, compute_id):
        return cls._get(context, CN.id == compute_id,
                        not_found=exception.ComputeNodeNotFound(
                            node=compute_id))

    @base.remotable_classmethod
    def get_by_uuid(cls, context, compute_uuid):
        return cls._get(context, CN.uuid == compute_uuid,
                        not_found=exception.ComputeNodeNotFound(
                            node=compute_uuid))

    @base.remotable_classmethod
    def get_by_host_and_nodename(cls, context, host, nodename):
        return cls._get(context, CN.host == host,
                        CN.hypervisor_hostname == nodename,
                        not_found=exception.ComputeNodeNotFound(
                            node=f'{nodename} on host {host}'))

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        if 'uuid' not in self:
            self.uuid = _db.generate_uuid()
        values = self._values()
        for name in ('vcpus_used', 'memory_mb_used', 'local_gb_used'):
            values.setdefault(name, 0)
        values.setdefault('cpu_info', '{}')
        values.setdefault('created_at', _db.utcnow())
        values['deleted'] = 0
        with _writer(self._context) as session:
            row = CN(**values)
            session.add(row)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self, prune_stats=False):
        values = self._values(skip=('uuid',))
        if not values:
            return
        values['updated_at'] = _db.utcnow()
        with _writer(self._context) as session:
            row = session.get(CN, self.id)
            if row is None or row.deleted:
                raise exception.ComputeNodeNotFound(node=self.id)
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable
    def destroy(self):
        now = _db.utcnow()
        with _writer(self._context) as session:
            count = session.execute(sa.update(CN).where(
                CN.id == self.id, CN.deleted == 0).values(
                deleted=CN.id, deleted_at=now)).rowcount
            if not count:
                raise exception.ComputeNodeNotFound(node=self.id)
        self.deleted = True
        self.deleted_at = now
        self.obj_reset_changes(['deleted', 'deleted_at'])


@base.NovaObjectRegistry.register
class ComputeNodeList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('ComputeNode')}

    @classmethod
    def _get(cls, context, *where):
        with _reader(context) as session:
            rows = session.scalars(sa.select(CN).where(
                CN.deleted == 0, *where).order_by(CN.id)).all()
            return base.obj_make_list(context, cls(context), rows)

    @base.remotable_classmethod
    def get_all(cls, context):
        return cls._get(context)

    @base.remotable_classmethod
    def get_all_by_host(cls, context, host, use_slave=False):
        result = cls._get(context, CN.host == host)
        if not result:
            raise exception.ComputeHostNotFound(host=host)
        return result

    @base.remotable_classmethod
    def get_all_by_uuids(cls, context, compute_uuids):
        return cls._get(context, CN.uuid.in_(list(compute_uuids)))

    @base.remotable_classmethod
    def get_by_hypervisor(cls, context, hypervisor_match):
        return cls._get(context, CN.hypervisor_hostname.like(
            '%' + hypervisor_match + '%'))
