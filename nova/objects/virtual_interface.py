"""VirtualInterface: one port of an instance; the local flat network
keeps the fixed IP it hands out here (unique per live row)."""

import ipaddress
import random
from typing import ClassVar

import sqlalchemy as sa
from oslo_db import exception as db_exc
from oslo_log import log as logging
from sqlalchemy import exc as sa_exc

from nova import exception
from nova.db.main import api as main_db
from nova.db.main import models
from nova.objects import _db, base, fields

LOG = logging.getLogger(__name__)
V = models.VirtualInterface
_FIELDS = ('id', 'uuid', 'address', 'instance_uuid', 'network_name',
           'ip_address', 'tag', 'created_at', 'updated_at', 'deleted_at',
           'deleted')
# Concurrent allocations may pick the same address; the unique constraint
# refuses all but one and the others pick again.
ALLOCATE_ATTEMPTS = 10


def _reader(context):
    return main_db.get_context_manager(context).reader.using(context)


def _writer(context):
    return main_db.get_context_manager(context).writer.using(context)


def _random_mac():
    return 'fa:16:3e:{:02x}:{:02x}:{:02x}'.format(*tuple(random.randint(0, 255)
                                             for _ in range(3)))


def _candidates(cidr, gateway):
    network = ipaddress.ip_network(cidr, strict=False)
    reserved = {network.network_address, network.broadcast_address}
    if gateway:
        reserved.add(ipaddress.ip_address(gateway))
    for address in network.hosts():
        if address not in reserved:
            yield str(address)


@base.NovaObjectRegistry.register
class VirtualInterface(base.NovaPersistentObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'address': fields.StringField(nullable=True),
        'instance_uuid': fields.UUIDField(),
        'network_name': fields.StringField(nullable=True),
        'ip_address': fields.StringField(nullable=True),
        'tag': fields.StringField(nullable=True),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        return _db.from_row(obj, row, _FIELDS, context)

    @base.remotable_classmethod
    def get_by_uuid(cls, context, vif_uuid):
        with _reader(context) as session:
            row = session.scalars(sa.select(V).where(
                V.uuid == vif_uuid, V.deleted == 0)).first()
            return None if row is None else cls._from_db_object(
                context, cls(), row)

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        if 'uuid' not in self:
            self.uuid = _db.generate_uuid()
        if 'address' not in self or not self.address:
            self.address = _random_mac()
        values = _db.changed_values(self)
        values.setdefault('created_at', _db.utcnow())
        values['deleted'] = 0
        with _writer(self._context) as session:
            row = V(**values)
            session.add(row)
            session.flush()
            self._from_db_object(self._context, self, row)

    @base.remotable_classmethod
    def allocate_fixed_ip(cls, context, instance_uuid, cidr, gateway,
                          network_name, tag=None):
        """A new VIF of ``instance_uuid`` holding the lowest free address
        of ``cidr`` (not the network, broadcast or gateway address)."""
        for attempt in range(ALLOCATE_ATTEMPTS):
            with _reader(context) as session:
                used = set(session.scalars(sa.select(V.ip_address).where(
                    V.deleted == 0, V.ip_address.is_not(None))))
            address = next((a for a in _candidates(cidr, gateway)
                            if a not in used), None)
            if address is None:
                raise exception.NoMoreFixedIps(net=network_name or cidr)
            vif = cls(context, instance_uuid=instance_uuid,
                      network_name=network_name, ip_address=address,
                      tag=tag)
            try:
                vif.create()
                return vif
            except (db_exc.DBDuplicateEntry, sa_exc.IntegrityError):
                LOG.debug('Address %s taken meanwhile, attempt %d',
                          address, attempt + 1)
        raise exception.NoMoreFixedIps(net=network_name or cidr)

    @base.remotable
    def destroy(self):
        now = _db.utcnow()
        with _writer(self._context) as session:
            session.execute(sa.update(V).where(
                V.id == self.id, V.deleted == 0).values(
                deleted=V.id, deleted_at=now))
        self.deleted = True
        self.deleted_at = now
        self.obj_reset_changes(['deleted', 'deleted_at'])


@base.NovaObjectRegistry.register
class VirtualInterfaceList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('VirtualInterface')}

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        with _reader(context) as session:
            rows = session.scalars(sa.select(V).where(
                V.instance_uuid == instance_uuid, V.deleted == 0).order_by(
                V.id)).all()
            return base.obj_make_list(context, cls(context), rows)
