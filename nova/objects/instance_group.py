"""InstanceGroup: a server group, its policy and members (API DB).

The API calls them server groups; the tables and the scheduler call them
instance groups. A group has one policy (the Compute API up to 2.63
shows it as the one-item ``policies`` list), the ``rules`` of that
policy (API 2.64: ``max_server_per_host`` of an anti-affinity group,
kept as JSON beside the policy) and the uuids of the instances booted
into it. Rows are hard-deleted with their policy and member rows.
"""

from typing import ClassVar

import sqlalchemy as sa
from oslo_serialization import jsonutils

from nova import exception
from nova.db.api import api as api_db
from nova.db.api import models
from nova.i18n import _
from nova.objects import _db, base, fields

G = models.InstanceGroup
GP = models.InstanceGroupPolicy
GM = models.InstanceGroupMember

POLICIES = ('affinity', 'anti-affinity', 'soft-affinity',
            'soft-anti-affinity')


class InstanceGroupNotFound(exception.NotFound):
    msg_fmt = _('Server group %(group_uuid)s could not be found.')


def _details(session, ids):
    policies = {i: [] for i in ids}
    rules = {i: {} for i in ids}
    members = {i: [] for i in ids}
    if ids:
        for row in session.scalars(sa.select(GP).where(
                GP.group_id.in_(ids)).order_by(GP.id)):
            policies[row.group_id].append(row.policy)
            if row.rules:
                rules[row.group_id].update(jsonutils.loads(row.rules))
        for row in session.scalars(sa.select(GM).where(
                GM.group_id.in_(ids)).order_by(GM.id)):
            members[row.group_id].append(row.instance_uuid)
    return policies, rules, members


def _make(context, session, rows):
    policies, rules, members = _details(session, [r.id for r in rows])
    result = []
    for row in rows:
        group = InstanceGroup()
        _db.from_row(group, row, ('id', 'uuid', 'name', 'user_id',
                                  'project_id', 'created_at', 'updated_at'),
                     context)
        group.policies = policies[row.id]
        group.rules = {k: str(v) for k, v in rules[row.id].items()}
        group.members = members[row.id]
        group.obj_reset_changes()
        result.append(group)
    return result


@base.NovaObjectRegistry.register
class InstanceGroup(base.NovaTimestampObject, base.NovaObject):
    # ``rules`` was added without a version bump: no object of this
    # project has backport code yet, and a peer that does not know the
    # field ignores it in a primitive of the same version.
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(read_only=True),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'policies': fields.ListOfStringsField(default=[]),
        'rules': fields.DictOfStringsField(default={}),
        'members': fields.ListOfStringsField(default=[]),
    }

    @property
    def policy(self):
        return self.policies[0] if self.policies else None

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid):
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(G).where(G.uuid == uuid)).first()
            if row is None:
                raise InstanceGroupNotFound(group_uuid=uuid)
            return _make(context, session, [row])[0]

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        """The group an instance was booted into."""
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(G).join(
                GM, GM.group_id == G.id).where(
                GM.instance_uuid == instance_uuid)).first()
            if row is None:
                raise InstanceGroupNotFound(group_uuid=instance_uuid)
            return _make(context, session, [row])[0]

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        now = _db.utcnow()
        with api_db.context_manager.writer.using(self._context) as session:
            row = G(uuid=self.uuid, name=self.name, user_id=self.user_id,
                    project_id=self.project_id, created_at=now)
            session.add(row)
            session.flush()
            rules = self.rules if 'rules' in self else {}
            for policy in self.policies if 'policies' in self else []:
                session.add(GP(group_id=row.id, policy=policy,
                               rules=jsonutils.dumps(rules) if rules
                               else None, created_at=now))
            for member in self.members if 'members' in self else []:
                session.add(GM(group_id=row.id, instance_uuid=member,
                               created_at=now))
            session.flush()
            fresh = _make(self._context, session, [row])[0]
        for name in self.fields:
            setattr(self, name, getattr(fresh, name))
        self.obj_reset_changes()

    @base.remotable
    def destroy(self):
        with api_db.context_manager.writer.using(self._context) as session:
            row = session.scalars(sa.select(G).where(
                G.uuid == self.uuid)).first()
            if row is None:
                raise InstanceGroupNotFound(group_uuid=self.uuid)
            session.execute(sa.delete(GP).where(GP.group_id == row.id))
            session.execute(sa.delete(GM).where(GM.group_id == row.id))
            session.delete(row)

    @base.remotable_classmethod
    def add_members(cls, context, group_uuid, instance_uuids):
        """Add instances to a group; those already in it stay once."""
        now = _db.utcnow()
        with api_db.context_manager.writer.using(context) as session:
            row = session.scalars(sa.select(G).where(
                G.uuid == group_uuid)).first()
            if row is None:
                raise InstanceGroupNotFound(group_uuid=group_uuid)
            present = set(session.scalars(sa.select(GM.instance_uuid).where(
                GM.group_id == row.id)))
            added = [u for u in instance_uuids if u not in present]
            for member in added:
                session.add(GM(group_id=row.id, instance_uuid=member,
                               created_at=now))
            return added

    @base.remotable_classmethod
    def remove_members(cls, context, group_uuid, instance_uuids):
        with api_db.context_manager.writer.using(context) as session:
            session.execute(sa.delete(GM).where(
                GM.group_id.in_(sa.select(G.id).where(G.uuid == group_uuid)),
                GM.instance_uuid.in_(list(instance_uuids))))

    @base.remotable_classmethod
    def get_member_hosts(cls, context, group_uuid, exclude=None):
        """{instance uuid: host (or None)} of the group's live members
        found in the cells; ``exclude``: uuids to leave out. Read fresh,
        so that a compute sees its racing peers."""
        from nova import context as nova_context
        from nova import objects
        fresh = cls.get_by_uuid(context, group_uuid)
        skip = set(exclude or ())
        members = [u for u in fresh.members if u not in skip]
        if not members:
            return {}
        found = {}
        results = nova_context.scatter_gather_cells(
            context, objects.CellMappingList.get_all(context),
            objects.InstanceList.get_by_filters,
            {'uuid': members, 'deleted': False})
        for result in results.values():
            if not hasattr(result, 'objects'):
                continue   # a cell that did not answer: not counted
            for inst in result:
                found[inst.uuid] = inst.host or None
        return found

    @base.remotable_classmethod
    def get_hosts(cls, context, group_uuid, exclude=None):
        """{host: number of the group's live members there}."""
        hosts = {}
        for host in cls.get_member_hosts(context, group_uuid,
                                         exclude=exclude).values():
            if host:
                hosts[host] = hosts.get(host, 0) + 1
        return hosts

    @base.remotable_classmethod
    def count_members_by_user(cls, context, group_uuid, user_id):
        """Members of the group that the user booted and has not
        deleted."""
        with api_db.context_manager.reader.using(context) as session:
            return session.scalar(sa.select(sa.func.count(GM.id)).join(
                G, G.id == GM.group_id).join(
                models.InstanceMapping,
                models.InstanceMapping.instance_uuid == GM.instance_uuid
            ).where(G.uuid == group_uuid,
                    models.InstanceMapping.user_id == user_id,
                    models.InstanceMapping.queued_for_delete.is_not(True)))


@base.NovaObjectRegistry.register
class InstanceGroupList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {
        'objects': fields.ListOfObjectsField('InstanceGroup')}

    @base.remotable_classmethod
    def get_all(cls, context, project_id=None, limit=None, offset=None):
        """Groups (of one project when given), oldest first."""
        with api_db.context_manager.reader.using(context) as session:
            query = sa.select(G).order_by(G.id)
            if project_id is not None:
                query = query.where(G.project_id == project_id)
            if offset:
                query = query.offset(int(offset))
            if limit is not None:
                query = query.limit(int(limit))
            rows = session.scalars(query).all()
            result = cls(context, objects=_make(context, session, rows))
            result.obj_reset_changes()
            return result

    @base.remotable_classmethod
    def get_by_project_id(cls, context, project_id, limit=None,
                          offset=None):
        return cls.get_all(context, project_id=project_id, limit=limit,
                           offset=offset)
