import pytest

from nova import context, exception, objects
from nova.compute import flavors


def _flavor(ctxt, flavorid='10', name='f10', **kw):
    values = {'flavorid': flavorid, 'name': name, 'vcpus': 1,
              'memory_mb': 256, 'root_gb': 1}
    values.update(kw)
    flavor = objects.Flavor(ctxt, **values)
    flavor.create()
    return flavor


def test_create_and_get_with_extra_specs(ctxt):
    _flavor(ctxt, extra_specs={'hw:cpu_policy': 'dedicated'})
    flavor = objects.Flavor.get_by_flavor_id(ctxt, '10')
    assert flavor.extra_specs == {'hw:cpu_policy': 'dedicated'}
    assert (flavor.is_public, flavor.swap, flavor.ephemeral_gb) == \
        (True, 0, 0)
    assert objects.Flavor.get_by_name(ctxt, 'f10').id == flavor.id
    assert objects.Flavor.get_by_id(ctxt, flavor.id).flavorid == '10'


def test_get_missing_raises(ctxt):
    with pytest.raises(exception.FlavorNotFound):
        objects.Flavor.get_by_flavor_id(ctxt, 'nope')


def test_duplicate_name_and_id_refused(ctxt):
    _flavor(ctxt)
    with pytest.raises(exception.FlavorExists):
        _flavor(ctxt, flavorid='11', name='f10')
    with pytest.raises(exception.FlavorIdExists):
        _flavor(ctxt, flavorid='10', name='other')


def test_save_updates_extra_specs(ctxt):
    flavor = _flavor(ctxt, extra_specs={'a': '1', 'b': '2'})
    flavor.extra_specs = {'b': '3', 'c': '4'}
    flavor.save()
    assert objects.Flavor.get_by_flavor_id(ctxt, '10').extra_specs == \
        {'b': '3', 'c': '4'}


def test_destroy(ctxt):
    flavor = _flavor(ctxt, extra_specs={'a': '1'})
    flavor.destroy()
    with pytest.raises(exception.FlavorNotFound):
        objects.Flavor.get_by_flavor_id(ctxt, '10')


def test_create_default_flavors_is_idempotent(ctxt):
    assert len(flavors.create_default_flavors(ctxt)) == 5
    assert flavors.create_default_flavors(ctxt) == []
    tiny = objects.Flavor.get_by_flavor_id(ctxt, '1')
    xlarge = objects.Flavor.get_by_flavor_id(ctxt, '5')
    assert (tiny.name, tiny.vcpus, tiny.memory_mb, tiny.root_gb) == \
        ('m1.tiny', 1, 512, 1)
    assert (xlarge.name, xlarge.vcpus, xlarge.memory_mb, xlarge.root_gb) == \
        ('m1.xlarge', 8, 16384, 160)


def test_list_sort_limit_marker(ctxt):
    flavors.create_default_flavors(ctxt)
    page = objects.FlavorList.get_all(ctxt, sort_key='memory_mb',
                                      sort_dir='desc', limit=2)
    assert [f.flavorid for f in page] == ['5', '4']
    page = objects.FlavorList.get_all(ctxt, sort_key='memory_mb',
                                      sort_dir='desc', limit=2, marker='4')
    assert [f.flavorid for f in page] == ['3', '2']


def test_list_bad_marker(ctxt):
    with pytest.raises(exception.MarkerNotFound):
        objects.FlavorList.get_all(ctxt, marker='missing')


def test_list_min_filters(ctxt):
    flavors.create_default_flavors(ctxt)
    found = objects.FlavorList.get_all(
        ctxt, filters={'min_memory_mb': 4096, 'min_root_gb': 80})
    assert [f.flavorid for f in found] == ['4', '5']


def test_private_flavor_visible_to_its_projects_only(ctxt):
    _flavor(ctxt, flavorid='pub', name='pub')
    _flavor(ctxt, flavorid='priv', name='priv', is_public=False,
            projects=['proj-a'])
    proj_a = context.RequestContext(user_id='u', project_id='proj-a')
    proj_b = context.RequestContext(user_id='u', project_id='proj-b')
    public = {'is_public': True}
    assert {f.flavorid for f in objects.FlavorList.get_all(
        proj_a, filters=public)} == {'pub', 'priv'}
    assert {f.flavorid for f in objects.FlavorList.get_all(
        proj_b, filters=public)} == {'pub'}
    assert {f.flavorid for f in objects.FlavorList.get_all(
        ctxt, filters={'is_public': None})} == {'pub', 'priv'}


def test_access_add_remove(ctxt):
    flavor = _flavor(ctxt, is_public=False)
    flavor.add_access('p1')
    flavor.add_access('p2')
    flavor.remove_access('p1')
    assert objects.Flavor.get_by_flavor_id(ctxt, '10').projects == ['p2']
