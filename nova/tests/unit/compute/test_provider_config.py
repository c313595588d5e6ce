"""Provider config files: parsing, the rules, and what reaches Placement
(real Placement, SQLite cell DB)."""

import textwrap

import pytest

from nova import objects
from nova.compute import provider_config
from nova.tests.unit.compute.test_resource_tracker import (  # noqa: F401
    HOST,
    _placement,
    _tracker,
    conf,
)

GOOD = '''
meta:
  schema_version: '1.0'
providers:
  - identification:
      uuid: '$COMPUTE_NODE'
    inventories:
      additional:
        - CUSTOM_FPGA:
            total: 4
            max_unit: 2
    traits:
      additional:
        - CUSTOM_GOLD
        - HW_GPU_API_VULKAN
'''


def _write(tmp_path, text, name='a.yaml'):
    (tmp_path / name).write_text(textwrap.dedent(text))
    return str(tmp_path)


def test_a_valid_file_gives_inventories_and_traits(tmp_path):
    (config,) = provider_config.load(_write(tmp_path, GOOD))
    inventories, traits = provider_config.for_node([config], 'any', 'any')
    assert inventories == {'CUSTOM_FPGA': {'total': 4, 'max_unit': 2}}
    assert traits == {'CUSTOM_GOLD', 'HW_GPU_API_VULKAN'}


def test_no_directory_means_no_configs(tmp_path):
    assert provider_config.load(str(tmp_path / 'missing')) == []


@pytest.mark.parametrize('text, reason', [
    (GOOD.replace("'1.0'", "'2.0'"), "meta/schema_version: '2.0' is not one"),
    (GOOD.replace('CUSTOM_FPGA', 'VCPU'), 'VCPU is not a custom one'),
    (GOOD.replace('CUSTOM_GOLD', 'COMPUTE_STATUS_DISABLED'),
     'COMPUTE_STATUS_DISABLED are managed by nova-compute'),
    (GOOD.replace('total: 4', 'total: 0'), 'total: 0 is less than'),
    (GOOD.replace('total: 4', 'totl: 4'), "'total' is a required property"),
    ('providers: [', 'while parsing'),
    (GOOD.replace("uuid: '$COMPUTE_NODE'", 'colour: blue'),
     'identification'),
])
def test_an_invalid_file_names_itself_and_the_reason(tmp_path, text, reason):
    location = _write(tmp_path, text)
    with pytest.raises(provider_config.ProviderConfigInvalid) as err:
        provider_config.load(location)
    message = err.value.format_message()
    assert f'{location}/a.yaml' in message
    assert reason in message


def test_one_provider_in_two_files_is_refused(tmp_path):
    _write(tmp_path, GOOD, 'a.yaml')
    location = _write(tmp_path, GOOD, 'b.yaml')
    with pytest.raises(provider_config.ProviderConfigInvalid) as err:
        provider_config.load(location)
    assert 'also configured in' in err.value.format_message()


def test_a_named_provider_wins_over_compute_node(tmp_path):
    _write(tmp_path, GOOD, 'a.yaml')
    location = _write(tmp_path, GOOD.replace(
        "uuid: '$COMPUTE_NODE'", 'name: node-1').replace(
        'total: 4', 'total: 8'), 'b.yaml')
    configs = provider_config.load(location)
    assert provider_config.for_node(configs, 'u', 'node-1')[0][
        'CUSTOM_FPGA']['total'] == 8
    assert provider_config.for_node(configs, 'u', 'node-2')[0][
        'CUSTOM_FPGA']['total'] == 4


def test_the_tracker_reports_them_to_placement(
        ctxt, placement, conf, tmp_path):  # noqa: F811
    conf('provider_config_location', _write(tmp_path, GOOD),
         group='compute')
    rt = _tracker()
    rt.update_available_resource(ctxt)
    node = objects.ComputeNode.get_by_host_and_nodename(ctxt, HOST, HOST)
    inventories = _placement(
        placement, f'/resource_providers/{node.uuid}/inventories')[
        'inventories']
    assert inventories['CUSTOM_FPGA']['total'] == 4
    assert inventories['CUSTOM_FPGA']['max_unit'] == 2
    assert 'VCPU' in inventories
    traits = _placement(
        placement, f'/resource_providers/{node.uuid}/traits')['traits']
    assert {'CUSTOM_GOLD', 'HW_GPU_API_VULKAN'} <= set(traits)


def test_an_invalid_file_stops_the_tracker(conf, tmp_path):  # noqa: F811
    conf('provider_config_location',
         _write(tmp_path, GOOD.replace('CUSTOM_FPGA', 'MEMORY_MB')),
         group='compute')
    with pytest.raises(provider_config.ProviderConfigInvalid):
        _tracker()
