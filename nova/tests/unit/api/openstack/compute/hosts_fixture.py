"""Services, compute nodes and host mappings in the test cell, and a
recording stand-in for the Placement client of the admin resources
(the real Placement is exercised by the functional tests)."""

from nova import context as nova_context
from nova import objects


class RecordingPlacement:
    """Records what the admin resources ask of Placement."""

    def __init__(self):
        self.deleted = []
        self.aggregates = {}

    def delete_resource_provider(self, ctxt, compute_node, cascade=False):
        self.deleted.append(compute_node.uuid)

    def change_provider_aggregates(self, ctxt, rp_uuid, add=(), remove=()):
        current = self.aggregates.setdefault(rp_uuid, set())
        current |= set(add)
        current -= set(remove)
        return sorted(current)


def add_service(dbs, host, binary='nova-compute', **fields):
    ctxt = nova_context.get_admin_context()
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        svc = objects.Service(cctxt, host=host, binary=binary,
                              topic=binary.split('-')[-1], **fields)
        svc.create()
    return svc


def add_compute(dbs, host, **fields):
    """A nova-compute service, its node and its host mapping."""
    ctxt = nova_context.get_admin_context()
    svc = add_service(dbs, host, **fields)
    with nova_context.target_cell(ctxt, dbs.cell1) as cctxt:
        svc.last_seen_up = svc.created_at
        svc.save()
        node = objects.ComputeNode(
            cctxt, service_id=svc.id, host=host, hypervisor_hostname=host,
            vcpus=8, memory_mb=16384, local_gb=100, vcpus_used=1,
            memory_mb_used=512, local_gb_used=1, hypervisor_type='fake',
            hypervisor_version=1000, cpu_info='{"arch": "x86_64"}',
            free_ram_mb=15872, free_disk_gb=99, running_vms=1,
            disk_available_least=90, current_workload=0,
            host_ip='192.0.2.10')
        node.create()
    objects.HostMapping(ctxt, host=host, cell_mapping=dbs.cell1).create()
    return svc, node
