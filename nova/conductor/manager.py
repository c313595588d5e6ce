"""nova-conductor: runs object methods for DB-less services and drives
the build workflows (scheduling, cells, casting to the compute host)."""

import time

import oslo_messaging as messaging
from oslo_log import log as logging
from oslo_service import periodic_task

import nova.conf
from nova import exception, manager
from nova.conductor import stalled
from nova.conductor.tasks import (
    build,
    evacuate,
    live_migrate,
    migrate,
    reschedule,
    unshelve,
)
from nova.objects import base as objects_base

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


def _run_locally(method, *args, **kwargs):
    """Call a remotable ``method`` without its indirection.

    In a single process that also runs nova-compute the object classes
    may have ``indirection_api`` set; the conductor must still run the
    method against its own DBs rather than send it back to itself.
    """
    original = getattr(method, 'original_fn', None)
    owner = getattr(method, '__self__', None)
    if original is None or owner is None:
        return method(*args, **kwargs)
    result = original(owner, *args, **kwargs)
    if isinstance(owner, type) and isinstance(result,
                                              objects_base.NovaObject):
        result._context = args[0] if args else kwargs.get('context')
    return result


class ObjectIndirectionEndpoint:
    """The server side of ``ConductorAPI`` (see
    ``oslo_versionedobjects.base.VersionedObjectIndirectionAPI``)."""

    target = messaging.Target(version='1.0')

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        objclass = objects_base.NovaObject.obj_class_from_name(
            objname, object_versions[objname])
        try:
            result = _run_locally(getattr(objclass, objmethod), context,
                                  *args, **kwargs)
        except exception.NovaException:
            # The caller gets it back as itself; no traceback in our log.
            raise messaging.ExpectedException()
        if isinstance(result, objects_base.NovaObject):
            # Send what the caller knows, not our newer version.
            return result.obj_to_primitive(
                target_version=object_versions.get(result.obj_name(),
                                                   result.VERSION),
                version_manifest=object_versions)
        return result

    def object_action(self, context, objinst, objmethod, args, kwargs):
        """Run the method on ``objinst``; return (field updates, result)
        as the remotable wrapper expects."""
        before = objinst.obj_clone()
        with objinst.obj_alternate_context(context):
            try:
                result = _run_locally(getattr(objinst, objmethod),
                                      *args, **kwargs)
            except exception.NovaException:
                raise messaging.ExpectedException()
        updates = {}
        for name, field in objinst.fields.items():
            if not objinst.obj_attr_is_set(name):
                continue
            value = getattr(objinst, name)
            if (not before.obj_attr_is_set(name)
                    or getattr(before, name) != value):
                updates[name] = field.to_primitive(objinst, name, value)
        updates['obj_what_changed'] = sorted(objinst.obj_what_changed())
        return updates, result

    def object_backport_versions(self, context, objinst, object_versions):
        return objinst.obj_to_primitive(
            target_version=object_versions[objinst.obj_name()],
            version_manifest=object_versions)


class ComputeTaskManager:
    """The ``compute_task`` namespace: build workflows."""

    target = messaging.Target(namespace='compute_task', version='1.1')

    def __init__(self):
        self.builder = build.BuildTask()
        self.rescheduler = reschedule.RescheduleTask()
        self.migrator = migrate.MigrateTask()
        self.unshelver = unshelve.UnshelveTask()
        self.live_migrator = live_migrate.LiveMigrateTask()
        self.evacuator = evacuate.EvacuateTask()

    def schedule_and_build_instances(self, context, build_requests,
                                     request_specs, image, admin_password,
                                     injected_files, requested_networks,
                                     block_device_mapping, tags=None):
        self.builder.schedule_and_build_instances(
            context, build_requests, request_specs, image, admin_password,
            injected_files, requested_networks, block_device_mapping,
            tags=tags)

    def build_instances(self, context, instances, image, filter_properties,
                        admin_password, injected_files, requested_networks,
                        security_groups, block_device_mapping,
                        request_spec=None, host_lists=None):
        self.rescheduler.build_instances(
            context, instances, image, filter_properties, admin_password,
            injected_files, requested_networks, security_groups,
            block_device_mapping, request_spec=request_spec,
            host_lists=host_lists)


    def migrate_server(self, context, instance, flavor, migration_type,
                       host=None):
        self.migrator.migrate_server(context, instance, flavor,
                                     migration_type, host=host)

    def unshelve_instance(self, context, instance):
        self.unshelver.unshelve_instance(context, instance)

    def live_migrate_instance(self, context, instance, host,
                              block_migration, force):
        self.live_migrator.live_migrate_instance(
            context, instance, host, block_migration, force)

    def evacuate_instance(self, context, instance, host, admin_password,
                          force=False):
        self.evacuator.evacuate_instance(context, instance, host,
                                         admin_password, force=force)


class ConductorManager(manager.Manager):
    """The ``conductor`` topic's endpoints."""

    target = messaging.Target(version='1.0')
    service_name = 'conductor'

    def __init__(self, host=None, *args, **kwargs):
        super().__init__(host=host, service_name='conductor')
        self.compute_task_mgr = ComputeTaskManager()
        self.additional_endpoints = [self.compute_task_mgr,
                                     ObjectIndirectionEndpoint()]
        self._last_stalled_poll = time.monotonic()

    @periodic_task.periodic_task(spacing=1, run_immediately=False)
    def _end_stalled(self, context):
        """Every ``task_state_poll_interval`` seconds: end the builds and
        tasks no compute can end (:mod:`nova.conductor.stalled`)."""
        if CONF.task_state_timeout <= 0:
            return
        if time.monotonic() - self._last_stalled_poll < \
                CONF.task_state_poll_interval:
            return
        self._last_stalled_poll = time.monotonic()
        try:
            build.IN_FLIGHT.touch(context)
        except Exception:  # the pass below must not run blind
            LOG.exception('Could not touch the build requests in flight')
            return
        stalled.end_stalled(context,
                            self.compute_task_mgr.builder.reportclient)
