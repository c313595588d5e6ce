"""Client side of the conductor RPC APIs (topic ``conductor``).

``ConductorAPI`` is the object indirection API: services without DB
access (nova-compute) set it as ``NovaObject.indirection_api`` so that
remotable object methods run in the conductor. ``ComputeTaskAPI``
(namespace ``compute_task``) starts the build workflows.

Version history:

* 1.0 - object_class_action_versions, object_action,
  object_backport_versions; compute_task: schedule_and_build_instances,
  build_instances, migrate_server (resize / cold migration),
  unshelve_instance, live_migrate_instance, evacuate_instance (nothing released yet, so
  they joined 1.0)
"""

import oslo_messaging as messaging

import nova.conf
from nova import exception, rpc
from nova.i18n import _

CONF = nova.conf.CONF

RPC_TOPIC = 'conductor'
COMPUTE_TASK_NAMESPACE = 'compute_task'


def _client(namespace=None):
    target = messaging.Target(topic=RPC_TOPIC, namespace=namespace,
                              version='1.0')
    return rpc.get_client(target,
                          version_cap=CONF.upgrade_levels.conductor or None)


class ConductorAPI:
    """Runs object methods in nova-conductor (calls)."""

    VERSION = '1.0'

    def __init__(self):
        self.client = _client()

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        cctxt = self.client.prepare(version='1.0')
        return cctxt.call(context, 'object_class_action_versions',
                          objname=objname, objmethod=objmethod,
                          object_versions=object_versions,
                          args=args, kwargs=kwargs)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        cctxt = self.client.prepare(version='1.0')
        return cctxt.call(context, 'object_action', objinst=objinst,
                          objmethod=objmethod, args=args, kwargs=kwargs)

    def object_backport_versions(self, context, objinst, object_versions):
        cctxt = self.client.prepare(version='1.0')
        return cctxt.call(context, 'object_backport_versions',
                          objinst=objinst, object_versions=object_versions)


class ComputeTaskAPI:
    """Starts build workflows in nova-conductor (casts).

    1.1: ``migrate_server`` takes ``host`` (cold migration to a named
    host, Compute API 2.56).
    """

    VERSION = '1.1'

    def __init__(self):
        self.client = _client(COMPUTE_TASK_NAMESPACE)

    def schedule_and_build_instances(self, context, build_requests,
                                     request_specs, image, admin_password,
                                     injected_files, requested_networks,
                                     block_device_mapping, tags=None):
        cctxt = self.client.prepare(version='1.0')
        cctxt.cast(context, 'schedule_and_build_instances',
                   build_requests=build_requests,
                   request_specs=request_specs, image=image,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   block_device_mapping=block_device_mapping, tags=tags)

    def build_instances(self, context, instances, image, filter_properties,
                        admin_password, injected_files, requested_networks,
                        security_groups, block_device_mapping,
                        request_spec=None, host_lists=None):
        """Reschedule ``instances`` to their next alternate host
        (``host_lists``: the alternates left, one list per instance)."""
        cctxt = self.client.prepare(version='1.0')
        cctxt.cast(context, 'build_instances', instances=instances,
                   image=image, filter_properties=filter_properties,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   security_groups=security_groups,
                   block_device_mapping=block_device_mapping,
                   request_spec=request_spec, host_lists=host_lists)

    def migrate_server(self, context, instance, flavor, migration_type,
                       host=None):
        """Move ``instance`` to a host the scheduler picks (among ``host``
        alone when given), with ``flavor`` (its own for a cold
        migration)."""
        kwargs = {'instance': instance, 'flavor': flavor,
                  'migration_type': migration_type}
        version = '1.0'
        if host is not None:
            version = '1.1'
            if not self.client.can_send_version(version):
                raise exception.NovaException(_(
                    'nova-conductor is too old to migrate to a named host '
                    '(it needs compute_task RPC API 1.1; [upgrade_levels] '
                    'conductor caps it lower).'))
            kwargs['host'] = host
        cctxt = self.client.prepare(version=version)
        cctxt.cast(context, 'migrate_server', **kwargs)

    def unshelve_instance(self, context, instance):
        """Schedule a shelved-offloaded instance and spawn it there."""
        cctxt = self.client.prepare(version='1.0')
        cctxt.cast(context, 'unshelve_instance', instance=instance)

    def live_migrate_instance(self, context, instance, host,
                              block_migration, force):
        """Live migrate ``instance`` to ``host`` (None: the scheduler
        picks; ``force``: no scheduler check)."""
        cctxt = self.client.prepare(version='1.0')
        cctxt.cast(context, 'live_migrate_instance', instance=instance,
                   host=host, block_migration=block_migration, force=force)

    def evacuate_instance(self, context, instance, host, admin_password,
                          force=False):
        """Rebuild ``instance`` away from its down host, on ``host`` or
        where the scheduler picks (``force``: no scheduler check)."""
        cctxt = self.client.prepare(version='1.0')
        cctxt.cast(context, 'evacuate_instance', instance=instance,
                   host=host, admin_password=admin_password, force=force)
