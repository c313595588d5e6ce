"""Migration objects over the cell DB's migrations table."""

import datetime

import pytest
from oslo_utils import timeutils, uuidutils

from nova import exception, objects
from nova.objects import migration as migration_obj

objects.register_all()


def _migration(ctxt, instance_uuid, status='pre-migrating',
               migration_type='resize', **extra):
    migration = objects.Migration(
        ctxt, instance_uuid=instance_uuid, source_compute='src',
        source_node='src-node', dest_compute='dst', dest_node='dst-node',
        old_instance_type_id=1, new_instance_type_id=2, status=status,
        migration_type=migration_type, **extra)
    migration.create()
    return migration


def _instance(ctxt):
    inst = objects.Instance(ctxt, uuid=uuidutils.generate_uuid(),
                            vm_state='active', host='src')
    inst.create()
    return inst.uuid


def test_create_gives_a_uuid_the_placement_consumer(ctxt):
    migration = _migration(ctxt, _instance(ctxt))
    assert uuidutils.is_uuid_like(migration.uuid)
    loaded = objects.Migration.get_by_uuid(ctxt, migration.uuid)
    assert (loaded.id, loaded.status, loaded.migration_type) == (
        migration.id, 'pre-migrating', 'resize')


def test_save_writes_the_status(ctxt):
    migration = _migration(ctxt, _instance(ctxt))
    migration.status = 'finished'
    migration.save()
    assert objects.Migration.get_by_id(ctxt, migration.id).status == \
        'finished'


def test_get_by_instance_and_status_finds_the_newest(ctxt):
    uuid = _instance(ctxt)
    _migration(ctxt, uuid, status='finished')
    newest = _migration(ctxt, uuid, status='finished')
    found = objects.Migration.get_by_instance_and_status(ctxt, uuid,
                                                         'finished')
    assert found.id == newest.id


def test_get_by_instance_and_status_says_what_is_missing(ctxt):
    uuid = _instance(ctxt)
    _migration(ctxt, uuid, status='confirmed')
    with pytest.raises(migration_obj.MigrationNotFoundByStatus) as err:
        objects.Migration.get_by_instance_and_status(ctxt, uuid, 'finished')
    assert 'no migration in status finished' in err.value.format_message()


def test_unknown_uuid_is_not_found(ctxt):
    with pytest.raises(exception.NotFound):
        objects.Migration.get_by_uuid(ctxt, uuidutils.generate_uuid())


def test_list_filters_by_host_status_and_type(ctxt):
    uuid = _instance(ctxt)
    resize = _migration(ctxt, uuid, status='finished')
    _migration(ctxt, uuid, status='confirmed', migration_type='migration')
    found = objects.MigrationList.get_by_filters(
        ctxt, {'host': 'dst', 'status': ['finished'],
               'migration_type': 'resize'})
    assert [m.id for m in found] == [resize.id]
    assert len(objects.MigrationList.get_by_filters(
        ctxt, {'host': 'elsewhere'})) == 0


def test_list_updated_before_selects_the_old_ones(ctxt):
    migration = _migration(ctxt, _instance(ctxt), status='finished')
    later = timeutils.utcnow() + datetime.timedelta(seconds=5)
    earlier = timeutils.utcnow() - datetime.timedelta(seconds=60)
    assert [m.id for m in objects.MigrationList.get_by_filters(
        ctxt, {'updated_before': later})] == [migration.id]
    assert len(objects.MigrationList.get_by_filters(
        ctxt, {'updated_before': earlier})) == 0
