"""Flavor: the size of a server (API DB), with extra specs and access."""

from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from nova import exception
from nova.db.api import api as api_db
from nova.db.api import models
from nova.objects import _db, base, fields

_FIELDS = ('id', 'flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
           'ephemeral_gb', 'swap', 'rxtx_factor', 'vcpu_weight', 'disabled',
           'is_public', 'description', 'created_at', 'updated_at')
_SORT_KEYS = ('id', 'flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
              'ephemeral_gb', 'swap', 'rxtx_factor', 'created_at')


@base.NovaObjectRegistry.register
class Flavor(base.NovaTimestampObject, base.NovaObject):
    VERSION = '1.0'

    fields: ClassVar[dict] = {
        'id': fields.IntegerField(),
        'flavorid': fields.StringField(),
        'name': fields.StringField(),
        'memory_mb': fields.IntegerField(),
        'vcpus': fields.IntegerField(),
        'root_gb': fields.IntegerField(default=0),
        'ephemeral_gb': fields.IntegerField(default=0),
        'swap': fields.IntegerField(default=0),
        'rxtx_factor': fields.FloatField(nullable=True, default=1.0),
        'vcpu_weight': fields.IntegerField(nullable=True),
        'disabled': fields.BooleanField(default=False),
        'is_public': fields.BooleanField(default=True),
        'extra_specs': fields.DictOfStringsField(default={}),
        'projects': fields.ListOfStringsField(default=[]),
        'description': fields.StringField(nullable=True),
    }

    @staticmethod
    def _from_db_object(context, obj, row):
        _db.from_row(obj, row, _FIELDS, context)
        obj.disabled = bool(row.disabled)
        obj.is_public = True if row.is_public is None else bool(row.is_public)
        obj.root_gb = row.root_gb or 0
        obj.ephemeral_gb = row.ephemeral_gb or 0
        obj.extra_specs = {s.key: s.value for s in row.extra_specs}
        obj.projects = sorted(p.project_id for p in row.projects)
        obj.obj_reset_changes()
        return obj

    @classmethod
    def _get_by(cls, context, column, value, not_found):
        with api_db.context_manager.reader.using(context) as session:
            row = session.scalars(sa.select(models.Flavor).where(
                column == value)).first()
            if row is None:
                raise not_found
            return cls._from_db_object(context, cls(), row)

    @base.remotable_classmethod
    def get_by_id(cls, context, id):
        return cls._get_by(context, models.Flavor.id, id,
                           exception.FlavorNotFound(flavor_id=id))

    @base.remotable_classmethod
    def get_by_flavor_id(cls, context, flavor_id, read_deleted=None):
        return cls._get_by(context, models.Flavor.flavorid, str(flavor_id),
                           exception.FlavorNotFound(flavor_id=flavor_id))

    @base.remotable_classmethod
    def get_by_name(cls, context, name):
        return cls._get_by(context, models.Flavor.name, name,
                           exception.FlavorNotFound(flavor_id=name))

    @base.remotable
    def create(self):
        if 'id' in self:
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        values = _db.changed_values(self, skip=('extra_specs', 'projects'))
        values.setdefault('created_at', _db.utcnow())
        specs = self.extra_specs if 'extra_specs' in self else {}
        projects = self.projects if 'projects' in self else []
        with api_db.context_manager.writer.using(self._context) as session:
            # Checked first so the error names what collides; the unique
            # constraints still guard against a concurrent create.
            for column, exc in (
                    (models.Flavor.name, exception.FlavorExists(
                        name=self.name)),
                    (models.Flavor.flavorid, exception.FlavorIdExists(
                        flavor_id=self.flavorid))):
                value = self.name if column is models.Flavor.name \
                    else self.flavorid
                if session.scalar(sa.select(models.Flavor.id).where(
                        column == value)) is not None:
                    raise exc
            row = models.Flavor(**values)
            row.extra_specs = [models.FlavorExtraSpecs(key=k, value=v)
                               for k, v in specs.items()]
            row.projects = [models.FlavorProjects(project_id=p)
                            for p in projects]
            session.add(row)
            try:
                session.flush()
            except sa_exc.IntegrityError:
                raise exception.FlavorExists(name=self.name)
            self._from_db_object(self._context, self, row)

    @base.remotable
    def save(self):
        changes = self.obj_what_changed()
        values = _db.changed_values(self, skip=('id', 'extra_specs',
                                                'projects'))
        with api_db.context_manager.writer.using(self._context) as session:
            row = session.get(models.Flavor, self.id)
            if row is None:
                raise exception.FlavorNotFound(flavor_id=self.flavorid)
            for key, value in values.items():
                setattr(row, key, value)
            if 'extra_specs' in changes:
                current = {s.key: s for s in row.extra_specs}
                for key, spec in current.items():
                    if key not in self.extra_specs:
                        row.extra_specs.remove(spec)
                for key, value in self.extra_specs.items():
                    if key in current:
                        current[key].value = value
                    else:
                        row.extra_specs.append(
                            models.FlavorExtraSpecs(key=key, value=value))
            if 'projects' in changes:
                current = {p.project_id: p for p in row.projects}
                for project_id, access in current.items():
                    if project_id not in self.projects:
                        row.projects.remove(access)
                for project_id in self.projects:
                    if project_id not in current:
                        row.projects.append(
                            models.FlavorProjects(project_id=project_id))
            row.updated_at = _db.utcnow()
            session.flush()
            self._from_db_object(self._context, self, row)

    def add_access(self, project_id):
        if project_id not in self.projects:
            self.projects = self.projects + [project_id]
            self.save()

    def remove_access(self, project_id):
        if project_id in self.projects:
            self.projects = [p for p in self.projects if p != project_id]
            self.save()

    @base.remotable
    def destroy(self):
        with api_db.context_manager.writer.using(self._context) as session:
            row = session.get(models.Flavor, self.id) if 'id' in self \
                else session.scalars(sa.select(models.Flavor).where(
                    models.Flavor.flavorid == self.flavorid)).first()
            if row is None:
                raise exception.FlavorNotFound(
                    flavor_id=self.flavorid if 'flavorid' in self
                    else self.id)
            session.delete(row)


@base.NovaObjectRegistry.register
class FlavorList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'
    fields: ClassVar[dict] = {'objects': fields.ListOfObjectsField('Flavor')}

    @base.remotable_classmethod
    def get_all(cls, context, inactive=False, filters=None,
                sort_key='flavorid', sort_dir='asc', limit=None,
                marker=None):
        filters = filters or {}
        if sort_key not in _SORT_KEYS:
            raise exception.InvalidInput(
                reason='Unknown sort key {}; valid keys: {}'.format(sort_key, ', '.join(_SORT_KEYS)))
        F = models.Flavor
        with api_db.context_manager.reader.using(context) as session:
            query = sa.select(F)
            if filters.get('min_memory_mb') is not None:
                query = query.where(F.memory_mb >= filters['min_memory_mb'])
            if filters.get('min_root_gb') is not None:
                query = query.where(F.root_gb >= filters['min_root_gb'])
            if filters.get('disabled') is not None:
                query = query.where(F.disabled == filters['disabled'])
            is_public = filters.get('is_public')
            if is_public is not None:
                visible = [F.is_public == is_public]
                if is_public and context.project_id:
                    # A project also sees the private flavors shared with it.
                    visible.append(F.id.in_(
                        sa.select(models.FlavorProjects.flavor_id).where(
                            models.FlavorProjects.project_id ==
                            context.project_id)))
                query = query.where(sa.or_(*visible))
            marker_row = None
            if marker is not None:
                marker_row = session.scalars(sa.select(F).where(
                    F.flavorid == str(marker))).first()
                if marker_row is None:
                    raise exception.MarkerNotFound(marker=marker)
            query = _db.apply_sort_and_marker(query, F, [sort_key],
                                              [sort_dir], marker_row)
            if limit is not None:
                query = query.limit(int(limit))
            rows = session.scalars(query).all()
            return base.obj_make_list(context, cls(context), rows)
