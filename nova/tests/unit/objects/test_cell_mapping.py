import pytest
from oslo_utils import uuidutils

from nova import exception, objects


def _cell(ctxt, name='cell1', uuid=None):
    cell = objects.CellMapping(ctxt, uuid=uuid or uuidutils.generate_uuid(),
                               name=name, transport_url='fake://',
                               database_connection='sqlite://')
    cell.create()
    return cell


def test_create_then_get_by_uuid(ctxt):
    cell = _cell(ctxt)
    found = objects.CellMapping.get_by_uuid(ctxt, cell.uuid)
    assert (found.id, found.name, found.disabled) == (cell.id, 'cell1', False)


def test_get_by_uuid_missing_raises(ctxt):
    with pytest.raises(exception.CellMappingNotFound):
        objects.CellMapping.get_by_uuid(ctxt, uuidutils.generate_uuid())


def test_save_changes_name(ctxt):
    cell = _cell(ctxt)
    cell.name = 'renamed'
    cell.save()
    assert objects.CellMapping.get_by_uuid(ctxt, cell.uuid).name == 'renamed'


def test_destroy_removes_row(ctxt):
    cell = _cell(ctxt)
    cell.destroy()
    with pytest.raises(exception.CellMappingNotFound):
        objects.CellMapping.get_by_uuid(ctxt, cell.uuid)


def test_is_cell0(ctxt):
    cell0 = _cell(ctxt, 'cell0', objects.CellMapping.CELL0_UUID)
    assert cell0.is_cell0() and not _cell(ctxt).is_cell0()


def test_list_get_all_in_creation_order(ctxt):
    _cell(ctxt, 'a')
    _cell(ctxt, 'b')
    assert [c.name for c in objects.CellMappingList.get_all(ctxt)] == \
        ['a', 'b']


def test_host_mapping_get_by_host(ctxt):
    cell = _cell(ctxt)
    objects.HostMapping(ctxt, host='h1', cell_mapping=cell).create()
    mapping = objects.HostMapping.get_by_host(ctxt, 'h1')
    assert mapping.cell_mapping.uuid == cell.uuid


def test_host_mapping_missing_raises(ctxt):
    with pytest.raises(exception.HostMappingNotFound):
        objects.HostMapping.get_by_host(ctxt, 'nope')


def test_host_mapping_list_by_cell(ctxt):
    cell1, cell2 = _cell(ctxt, 'c1'), _cell(ctxt, 'c2')
    objects.HostMapping(ctxt, host='h1', cell_mapping=cell1).create()
    objects.HostMapping(ctxt, host='h2', cell_mapping=cell2).create()
    hosts = objects.HostMappingList.get_by_cell_id(ctxt, cell2.id)
    assert [h.host for h in hosts] == ['h2']
    assert len(objects.HostMappingList.get_all(ctxt)) == 2


def test_instance_mapping_without_cell_then_mapped(ctxt):
    uuid = uuidutils.generate_uuid()
    mapping = objects.InstanceMapping(ctxt, instance_uuid=uuid,
                                      project_id='p', user_id='u',
                                      cell_mapping=None)
    mapping.create()
    assert objects.InstanceMapping.get_by_instance_uuid(
        ctxt, uuid).cell_mapping is None
    cell = _cell(ctxt)
    mapping.cell_mapping = cell
    mapping.save()
    found = objects.InstanceMapping.get_by_instance_uuid(ctxt, uuid)
    assert found.cell_mapping.uuid == cell.uuid
    assert found.queued_for_delete is False


def test_instance_mapping_missing_raises(ctxt):
    with pytest.raises(exception.InstanceMappingNotFound):
        objects.InstanceMapping.get_by_instance_uuid(
            ctxt, uuidutils.generate_uuid())


def test_instance_mapping_lists(ctxt):
    cell = _cell(ctxt)
    uuids = [uuidutils.generate_uuid() for _ in range(3)]
    for i, uuid in enumerate(uuids):
        objects.InstanceMapping(ctxt, instance_uuid=uuid,
                                project_id=f'p{i % 2}',
                                cell_mapping=cell if i else None).create()
    assert len(objects.InstanceMappingList.get_by_project_id(ctxt, 'p0')) \
        == 2
    assert len(objects.InstanceMappingList.get_by_instance_uuids(
        ctxt, uuids[:2])) == 2
    assert len(objects.InstanceMappingList.get_by_cell_id(ctxt, cell.id)) \
        == 2
