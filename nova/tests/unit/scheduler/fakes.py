"""Real HostStates built in memory, for filter and weigher tests."""

from oslo_serialization import jsonutils

from nova import objects
from nova.scheduler import host_manager

objects.register_all()


def host_state(name='h1', vcpus=8, memory_mb=8192, local_gb=100,
               used=None, up=True, disabled=False, zone=None,
               host_ip='10.0.0.1', hypervisor_type='fake',
               hypervisor_version=1000, arch='x86_64', aggregates=(),
               instances=(), traits=()):
    """A HostState as the host manager makes it; ``used`` is {rc: n};
    ``aggregates`` are (name, metadata) pairs; ``instances`` are
    (uuid, vm_state, task_state) triples."""
    node = objects.ComputeNode(
        uuid=f'00000000-0000-0000-0000-{abs(hash(name)) % 10**12:012d}',
        host=name, hypervisor_hostname=name, vcpus=vcpus,
        memory_mb=memory_mb, local_gb=local_gb, host_ip=host_ip,
        hypervisor_type=hypervisor_type,
        hypervisor_version=hypervisor_version,
        cpu_info=jsonutils.dumps({'arch': arch}))
    service = objects.Service(host=name, binary='nova-compute',
                              disabled=disabled, disabled_reason=None)
    state = host_manager.HostState(node, 'cell1', service=service,
                                   service_up=up, availability_zone=zone)
    used = used or {}
    state.resources = {
        rc: {'capacity': total, 'used': used.get(rc, 0)}
        for rc, total in (('VCPU', vcpus), ('MEMORY_MB', memory_mb),
                          ('DISK_GB', local_gb))}
    state.traits = set(traits)
    state.aggregates = [
        objects.Aggregate(name=agg_name, hosts=[name], metadata=metadata)
        for agg_name, metadata in aggregates]
    state.set_instances([
        objects.Instance(uuid=uuid, host=name, node=name, vm_state=vm,
                         task_state=task)
        for uuid, vm, task in instances])
    return state


def spec(vcpus=1, memory_mb=512, root_gb=1, extra_specs=None,
         image_props=None, disk_format=None, hints=None, project_id='p1',
         zone=None):
    flavor = objects.Flavor(vcpus=vcpus, memory_mb=memory_mb,
                            root_gb=root_gb, ephemeral_gb=0, swap=0,
                            extra_specs=extra_specs or {})
    image = objects.ImageMeta.from_dict(
        {'disk_format': disk_format, 'properties': image_props or {}})
    return objects.RequestSpec(
        flavor=flavor, image=image, scheduler_hints=hints or {},
        project_id=project_id, user_id='u1', availability_zone=zone,
        is_bfv=False, num_instances=1, retry_hosts=[])
