"""Evacuation, on the compute side.

Destination (``rebuild_instance`` with ``recreate``): the instance is
moved to this host and spawned here from its image; the migration ends
'done'. The instance's Placement consumer holds both hosts meanwhile.

Source, when its nova-compute starts again (:mod:`nova.compute.recovery`
calls :func:`destroy_evacuated_instances`): the local guests of
instances evacuated elsewhere are destroyed, their allocation on this
host removed and their migration marked 'completed'.
"""

from oslo_log import log as logging
from oslo_utils import timeutils

from nova import objects
from nova.compute import power_state, task_states, vm_states, workflow

LOG = logging.getLogger(__name__)


def _set_status(migration, status):
    migration.status = status
    try:
        migration.save()
    except Exception:
        LOG.exception('Could not set migration %s to %s', migration.uuid,
                      status)


def recreate(mgr, ctxt, instance, image_ref, admin_password, migration,
             node):
    was_stopped = instance.vm_state == vm_states.STOPPED

    def work():
        instance.host = mgr.host
        instance.node = node
        instance.save(expected_task_state=task_states.REBUILDING)
        image = mgr.image_api.get(ctxt, image_ref or instance.image_ref)
        network_info = mgr.network_api.get_instance_nw_info(ctxt, instance)
        instance.task_state = task_states.REBUILD_SPAWNING
        instance.save(expected_task_state=task_states.REBUILDING)
        allocations = mgr.reportclient.get_allocations_for_consumer(
            ctxt, instance.uuid)
        mgr.driver.spawn(ctxt, instance, objects.ImageMeta.from_dict(image),
                         [], admin_password, allocations,
                         network_info=network_info)
        if was_stopped:
            mgr.driver.power_off(instance, 0)
        instance.power_state = workflow.driver_power_state(mgr, instance)
        instance.vm_state = vm_states.STOPPED \
            if instance.power_state == power_state.SHUTDOWN \
            else vm_states.ACTIVE
        instance.task_state = None
        instance.launched_at = timeutils.utcnow()
        instance.save(expected_task_state=task_states.REBUILD_SPAWNING)

    if workflow.run(mgr, ctxt, instance, 'evacuate', work):
        _set_status(migration, 'done')
    else:
        _set_status(migration, 'failed')


def destroy_evacuated_instances(mgr, ctxt):
    """Clean up after the evacuations that happened while this host was
    down."""
    migrations = objects.MigrationList.get_by_filters(ctxt, {
        'source_compute': mgr.host, 'migration_type': 'evacuation',
        'status': ['done']})
    if not migrations:
        return
    nodes = {node.hypervisor_hostname: node.uuid for node in
             objects.ComputeNodeList.get_all_by_host(ctxt, mgr.host)}
    local = set(mgr.driver.list_instance_uuids())
    for migration in migrations:
        try:
            _clean_up(mgr, ctxt, migration, nodes, local)
        except Exception:
            LOG.exception('Could not clean up after the evacuation of %s',
                          migration.instance_uuid)


def _clean_up(mgr, ctxt, migration, nodes, local):
    uuid = migration.instance_uuid
    ctxt_deleted = ctxt.elevated(read_deleted='yes')
    instance = objects.Instance.get_by_uuid(ctxt_deleted, uuid)
    if uuid in local:
        LOG.info('Destroying the local guest of %s, evacuated to %s',
                 uuid, migration.dest_compute)
        mgr.driver.destroy(ctxt, instance, None, destroy_disks=True)
    rp_uuid = nodes.get(migration.source_node)
    if rp_uuid:
        mgr.reportclient.remove_provider_from_instance_allocation(
            ctxt, uuid, rp_uuid)
    _set_status(migration, 'completed')

