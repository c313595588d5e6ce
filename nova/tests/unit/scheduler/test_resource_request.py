"""Request groups, traits and the Placement query built from a spec."""

import urllib.parse

import pytest

from nova import exception
from nova.scheduler import resource_request
from nova.tests.unit.scheduler import fakes


def _query(request):
    return urllib.parse.urlencode(request.query())


def test_flavor_is_the_unsuffixed_group():
    req = resource_request.from_spec(fakes.spec(vcpus=2, memory_mb=1024,
                                                root_gb=10))
    assert req.query() == [('resources', 'DISK_GB:10,MEMORY_MB:1024,VCPU:2')]
    assert req.microversion == '1.36'


def test_numbered_groups_and_their_traits():
    req = resource_request.from_spec(fakes.spec(extra_specs={
        'resources1:CUSTOM_VF': '2', 'trait1:CUSTOM_PHYSNET_A': 'required',
        'resources_gpu:VGPU': '1', 'trait_gpu:CUSTOM_OLD': 'forbidden',
        'group_policy': 'isolate'}))
    params = dict(req.query())
    assert params['resources1'] == 'CUSTOM_VF:2'
    assert params['required1'] == 'CUSTOM_PHYSNET_A'
    assert params['resources_gpu'] == 'VGPU:1'
    assert params['required_gpu'] == '!CUSTOM_OLD'
    assert params['group_policy'] == 'isolate'
    # One host must give them all: the total counts every group.
    assert req.total_resources()['VGPU'] == 1


def test_two_numbered_groups_default_to_group_policy_none():
    req = resource_request.from_spec(fakes.spec(extra_specs={
        'resources1:CUSTOM_VF': '1', 'resources2:CUSTOM_VF': '1'}))
    assert dict(req.query())['group_policy'] == 'none'


def test_resources_extra_specs_override_add_and_zero_out():
    req = resource_request.from_spec(fakes.spec(extra_specs={
        'resources:VCPU': '0', 'resources:MEMORY_MB': '4096',
        'resources:CUSTOM_FPGA': '1'}))
    assert req.resources == {'MEMORY_MB': 4096, 'DISK_GB': 1,
                             'CUSTOM_FPGA': 1}


def test_image_traits_and_device_models():
    req = resource_request.from_spec(fakes.spec(image_props={
        'trait:CUSTOM_GOLD': 'required', 'hw_vif_model': 'virtio',
        'hw_disk_bus': 'scsi', 'hw_video_model': 'qxl',
        'trait:CUSTOM_IGNORED': 'forbidden'}))
    assert req.required_traits == {
        'CUSTOM_GOLD', 'COMPUTE_NET_VIF_MODEL_VIRTIO',
        'COMPUTE_STORAGE_BUS_SCSI', 'COMPUTE_GRAPHICS_MODEL_QXL'}
    assert not req.forbidden_traits


def test_flavor_trait_overrides_image_trait():
    req = resource_request.from_spec(fakes.spec(
        image_props={'trait:CUSTOM_GOLD': 'required'},
        extra_specs={'trait:CUSTOM_GOLD': 'forbidden'}))
    assert req.forbidden_traits == {'CUSTOM_GOLD'}
    assert 'CUSTOM_GOLD' not in req.required_traits


def test_pre_filter_parameters_in_the_query():
    req = resource_request.from_spec(fakes.spec())
    req.member_of.append(['b', 'a'])
    req.not_member_of.add('c')
    req.root_forbidden.add('COMPUTE_STATUS_DISABLED')
    req.root_required.add('COMPUTE_IMAGE_TYPE_QCOW2')
    req.limit = 50
    params = req.query()
    assert ('member_of', 'in:a,b') in params
    assert ('member_of', '!in:c') in params
    assert ('root_required',
            'COMPUTE_IMAGE_TYPE_QCOW2,!COMPUTE_STATUS_DISABLED') in params
    assert ('limit', '50') in params


@pytest.mark.parametrize('specs,words', [
    ({'resources:VCPU': 'many'}, 'resources:VCPU=many is not a whole'),
    ({'resources:VCPU': '-1'}, 'resources:VCPU=-1 is not a whole'),
    ({'trait:FOO': 'maybe'}, 'must be "required" or "forbidden"'),
    ({'trait:lower': 'required'}, "'lower' is not a valid trait name"),
    ({'group_policy': 'sometimes'}, 'must be "none" or "isolate"'),
    ({'trait1:CUSTOM_X': 'required'},
     'traits of request group 1 but no resources'),
])
def test_bad_extra_specs_say_what_is_wrong(specs, words):
    with pytest.raises(exception.NoValidHost, match=words):
        resource_request.from_spec(fakes.spec(extra_specs=specs))


def test_describe_names_resources_traits_and_qualifiers():
    req = resource_request.ResourceRequest({'VCPU': 4, 'MEMORY_MB': 2048})
    req.required_traits.add('CUSTOM_GOLD')
    req.qualifiers.append('in zone az1')
    assert req.describe() == ('4 free VCPU and 2048 MB of memory with '
                              'traits CUSTOM_GOLD in zone az1')
