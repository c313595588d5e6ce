"""From RequestSpec to the resources and traits asked of Placement."""

import pytest

from nova import exception, objects
from nova.scheduler import utils

objects.register_all()


def _spec(vcpus=2, memory_mb=2048, root_gb=20, ephemeral_gb=0, swap=0,
          extra_specs=None, image_props=None, is_bfv=False):
    flavor = objects.Flavor(vcpus=vcpus, memory_mb=memory_mb,
                            root_gb=root_gb, ephemeral_gb=ephemeral_gb,
                            swap=swap, extra_specs=extra_specs or {})
    image = objects.ImageMeta.from_dict({'properties': image_props or {}})
    return objects.RequestSpec(flavor=flavor, image=image, is_bfv=is_bfv)


def test_flavor_gives_vcpu_memory_and_disk():
    req = utils.resources_from_request_spec(
        _spec(ephemeral_gb=5, swap=1500))
    # 20 root + 5 ephemeral + 1500 MB swap rounded up to 2 GB.
    assert req.resources == {'VCPU': 2, 'MEMORY_MB': 2048, 'DISK_GB': 27}


def test_boot_from_volume_asks_no_root_disk():
    req = utils.resources_from_request_spec(_spec(is_bfv=True))
    assert 'DISK_GB' not in req.resources


def test_extra_specs_override_add_and_remove_resources():
    req = utils.resources_from_request_spec(_spec(extra_specs={
        'resources:VCPU': '0', 'resources:MEMORY_MB': '4096',
        'resources:CUSTOM_FPGA': '1', 'hw:cpu_policy': 'dedicated'}))
    assert req.resources == {'MEMORY_MB': 4096, 'DISK_GB': 20,
                             'CUSTOM_FPGA': 1}


def test_traits_from_flavor_and_image():
    req = utils.resources_from_request_spec(_spec(
        extra_specs={'trait:HW_CPU_X86_AVX2': 'required',
                     'trait:CUSTOM_SLOW': 'forbidden'},
        image_props={'trait:COMPUTE_NET_VIF_MODEL_VIRTIO': 'required'}))
    assert req.required_traits == {'HW_CPU_X86_AVX2',
                                   'COMPUTE_NET_VIF_MODEL_VIRTIO'}
    assert req.forbidden_traits == {'CUSTOM_SLOW'}


@pytest.mark.parametrize('specs,words', [
    ({'resources:VCPU': 'many'}, 'resources:VCPU=many is not a whole'),
    ({'trait:FOO': 'maybe'}, 'must be "required" or "forbidden"'),
])
def test_bad_extra_specs_say_what_is_wrong(specs, words):
    with pytest.raises(exception.NoValidHost, match=words):
        utils.resources_from_request_spec(_spec(extra_specs=specs))


def test_describe_reads_as_english():
    req = utils.ResourceRequest({'VCPU': 4, 'MEMORY_MB': 2048,
                                 'DISK_GB': 20})
    assert req.describe() == ('4 free VCPU, 2048 MB of memory and 20 GB '
                              'of disk')
    req = utils.ResourceRequest({'MEMORY_MB': 512}, ['CUSTOM_GOLD'])
    assert req.describe() == '512 free MB of memory with traits CUSTOM_GOLD'
