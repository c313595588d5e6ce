"""The compute API: what nova-api does to servers, below the REST layer.

``API.create`` accepts a boot (validating flavor, image, key pair,
networks and quota) and hands it to the conductor; ``get``/``get_all``
find servers wherever they are (a build request not yet scheduled, or an
instance in a cell); ``delete`` removes them by whichever of the four
paths fits (see doc/source/contributor/internals.rst, "Boot and delete").
"""

import base64
import binascii
import functools
import re

from oslo_log import log as logging
from oslo_utils import timeutils, uuidutils

import nova.conf
from nova import context as nova_context
from nova import exception, objects
from nova.compute import (
    api_actions,
    api_lifecycle,
    api_metadata,
    api_moves,
    power_state,
    server_group,
    task_states,
    vm_states,
)
from nova.image import glance
from nova.objects import migration as migration_obj

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)

# What the views and the quota need of every instance.
INSTANCE_ATTRS = ['metadata', 'system_metadata', 'flavor', 'info_cache',
                  'fault', 'tags', 'trusted_certs']
MAX_USERDATA_SIZE = 65535


class FlavorDisabled(exception.Invalid):
    msg_fmt = 'Flavor %(flavor_id)s is disabled and cannot be used.'


class FlavorMemoryTooSmall(exception.Invalid):
    msg_fmt = ("Flavor's memory (%(flavor)d MiB) is too small for the "
               "requested image (min_ram %(image)d MiB).")


class FlavorDiskTooSmall(exception.Invalid):
    msg_fmt = ("Flavor's disk (%(flavor)d GiB) is too small for the "
               "requested image (%(reason)s).")


class InvalidBootRequest(exception.Invalid):
    msg_fmt = '%(reason)s'


class InstanceLocked(exception.Conflict):
    msg_fmt = 'Instance %(instance_uuid)s is locked.'


class MetadataLimitExceeded(exception.OverQuota):
    msg_fmt = ('Quota exceeded for metadata items: %(count)d given, at '
               'most %(limit)d allowed.')


def _sanitize_hostname(name, default='server'):
    """A DNS label from a display name: lowercase, [a-z0-9-], <= 63."""
    hostname = re.sub(r'[ _.]', '-', (name or '').lower())
    hostname = re.sub(r'[^a-z0-9-]+', '', hostname)
    hostname = hostname.strip('-')[:63].strip('-')
    return hostname or default


def _multi_name(name, index, count):
    """Multi-create names are "<name>-1", "<name>-2", ... ."""
    return name if count == 1 else f'{name}-{index + 1}'


def _image_system_metadata(image):
    meta = {}
    for key in ('min_ram', 'min_disk', 'disk_format', 'container_format'):
        if image.get(key) is not None:
            meta[f'image_{key}'] = str(image[key])
    for key, value in (image.get('properties') or {}).items():
        if not isinstance(value, (list, dict)):
            meta[f'image_{key}'] = str(value)
    return meta


class _Reversed:
    """Wraps a sort value so that it sorts in the opposite direction."""
    __slots__ = ('value',)

    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        return other.value < self.value

    def __gt__(self, other):
        return other.value > self.value

    def __eq__(self, other):
        return self.value == other.value


class _Ordering:
    """Sort key of instances for the requested keys and directions; the
    caller ends the keys with the uuid so that the order is total (pages
    neither repeat nor skip servers)."""

    def __init__(self, sort_keys, sort_dirs):
        self.keys = list(zip(sort_keys, sort_dirs))

    def key(self, instance):
        values = []
        for name, direction in self.keys:
            value = getattr(instance, name, None) \
                if instance.obj_attr_is_set(name) else None
            if hasattr(value, 'tzinfo') and value.tzinfo is not None:
                value = value.replace(tzinfo=None)
            # None sorts first ascending, as the databases do.
            item = (value is not None, value if value is not None else 0)
            values.append(_Reversed(item) if direction == 'desc' else item)
        return tuple(values)


class API(api_actions.ActionsMixin, api_moves.MovesMixin,
          api_lifecycle.LifecycleMixin, api_metadata.MetadataMixin):
    """The compute API; one per nova-api process. Server actions and
    metadata/tags live in the mixins' modules."""

    def __init__(self, image_api=None):
        self.image_api = image_api or glance.API()

    # Peers are built on first use so constructing the API needs no bus.
    @functools.cached_property
    def compute_task_api(self):
        from nova.conductor import rpcapi as conductor_rpcapi
        return conductor_rpcapi.ComputeTaskAPI()

    @functools.cached_property
    def compute_rpcapi(self):
        from nova.compute import rpcapi as compute_rpcapi
        return compute_rpcapi.ComputeAPI()

    @functools.cached_property
    def placement(self):
        from nova.scheduler.client import report
        return report.SchedulerReportClient()

    @functools.cached_property
    def servicegroup_api(self):
        from nova import servicegroup
        return servicegroup.API()

    # Create ------------------------------------------------------------

    def _get_image(self, context, image_href):
        if not image_href:
            raise InvalidBootRequest(
                reason='imageRef is required: booting from a volume is not '
                       'supported by this cloud.')
        image_id = str(image_href).rstrip('/').rsplit('/', 1)[-1]
        try:
            image = self.image_api.get(context, image_id)
        except exception.ImageNotFound:
            raise InvalidBootRequest(
                reason=f'Can not find requested image {image_id}.')
        if image.get('status') != 'active':
            raise exception.ImageNotActive(image_id=image_id)
        return image

    @staticmethod
    def _check_image_fits(image, flavor):
        min_ram = int(image.get('min_ram') or 0)
        if min_ram > flavor.memory_mb:
            raise FlavorMemoryTooSmall(flavor=flavor.memory_mb, image=min_ram)
        if not flavor.root_gb:
            return      # a zero root disk takes the image's size
        min_disk = int(image.get('min_disk') or 0)
        if min_disk > flavor.root_gb:
            raise FlavorDiskTooSmall(flavor=flavor.root_gb,
                                     reason=f'min_disk {min_disk} GiB')
        size = int(image.get('size') or 0)
        if size > flavor.root_gb * 1024 ** 3:
            raise FlavorDiskTooSmall(flavor=flavor.root_gb,
                                     reason=f'image size {size} bytes')

    @staticmethod
    def _check_user_data(user_data):
        if user_data is None:
            return
        if len(user_data) > MAX_USERDATA_SIZE:
            raise InvalidBootRequest(
                reason=f'user_data is {len(user_data)} bytes, more than '
                       f'the {MAX_USERDATA_SIZE} allowed.')
        try:
            base64.b64decode(user_data, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidBootRequest(reason='user_data is not valid base64.')

    @staticmethod
    def _check_metadata(metadata):
        limit = CONF.quota.metadata_items
        if limit >= 0 and len(metadata) > limit:
            raise MetadataLimitExceeded(count=len(metadata), limit=limit)

    @staticmethod
    def _check_networks(requested_networks):
        if not requested_networks:
            return
        from nova.network import flat
        ours = flat.network_id()
        for req in requested_networks:
            if req.get('port_id'):
                raise InvalidBootRequest(
                    reason='Ports are not supported by this cloud\'s '
                           'network service; request a network instead.')
            net = req.get('network_id')
            if net in (None, 'auto', 'none'):
                continue
            if net != ours:
                raise InvalidBootRequest(
                    reason=f'Network {net} could not be found.')

    def _usage(self, context, project_id):
        """Instances, cores and ram the project uses in all cells and in
        build requests not yet scheduled."""
        usage = {'instances': 0, 'cores': 0, 'ram': 0}
        cells = objects.CellMappingList.get_all(context)
        results = nova_context.scatter_gather_cells(
            context, cells, objects.InstanceList.get_counts, project_id)
        for result in results.values():
            if isinstance(result, dict):
                for key in usage:
                    usage[key] += result['project'][key]
        for build_request in objects.BuildRequestList.get_by_filters(
                context, {'project_id': project_id}):
            flavor = build_request.instance.flavor
            usage['instances'] += 1
            usage['cores'] += flavor.vcpus
            usage['ram'] += flavor.memory_mb
        return usage

    def _check_quota(self, context, flavor, min_count, max_count,
                     limits=None):
        """How many instances (<= max_count) fit the quota of the project
        and of the user (nova.quota: overrides, classes, defaults)."""
        from nova import quota
        return quota.check_instances(context, flavor, min_count, max_count,
                                     limits=limits)

    def _new_instance(self, context, flavor, image, name, index, count,
                      reservation_id, options):
        now = timeutils.utcnow()
        display_name = _multi_name(name, index, count)
        props = image.get('properties') or {}
        instance = objects.Instance(
            context=context,
            uuid=uuidutils.generate_uuid(),
            user_id=context.user_id, project_id=context.project_id,
            image_ref=image['id'],
            kernel_id=props.get('kernel_id'),
            ramdisk_id=props.get('ramdisk_id'),
            hostname=(options.get('hostname') or
                      _sanitize_hostname(display_name)),
            display_name=display_name,
            display_description=options['description'],
            launch_index=index,
            key_name=options['key_name'], key_data=options['key_data'],
            power_state=power_state.NOSTATE,
            vm_state=vm_states.BUILDING,
            task_state=task_states.SCHEDULING,
            memory_mb=flavor.memory_mb, vcpus=flavor.vcpus,
            root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
            instance_type_id=flavor.id, flavor=flavor,
            old_flavor=None, new_flavor=None,
            host=None, node=None, launched_on=None,
            launched_at=None, terminated_at=None,
            availability_zone=options['availability_zone'],
            locked=False, locked_by=None,
            config_drive='True' if options['config_drive'] else '',
            access_ip_v4=options['access_ip_v4'],
            access_ip_v6=options['access_ip_v6'],
            progress=0, user_data=options['user_data'],
            reservation_id=reservation_id, root_device_name=None,
            os_type=props.get('os_type'),
            architecture=props.get('architecture'),
            cell_name=None,
            metadata=dict(options['metadata']),
            system_metadata=_image_system_metadata(image),
            info_cache=None, fault=None, tags=list(options['tags']),
            trusted_certs=options.get('trusted_certs'),
            created_at=now, updated_at=None, deleted_at=None, deleted=False)
        return instance

    def create(self, context, flavor, image_href, name, description=None,
               metadata=None, key_name=None, min_count=1, max_count=1,
               requested_networks=None, availability_zone=None,
               user_data=None, config_drive=False, admin_password=None,
               access_ip_v4=None, access_ip_v6=None, scheduler_hints=None,
               tags=None, trusted_certs=None, destination=None,
               hostname=None):
        """Accept a boot; returns (instances, reservation_id).
        ``hostname`` (API 2.90; one server only) replaces the one made
        from the server's name.

        Everything is checked before anything is written, and what was
        written is removed again if a later write fails.
        """
        if flavor.disabled:
            raise FlavorDisabled(flavor_id=flavor.flavorid)
        if min_count > max_count:
            raise InvalidBootRequest(
                reason=f'min_count ({min_count}) must not be larger than '
                       f'max_count ({max_count}).')
        image = self._get_image(context, image_href)
        self._check_image_fits(image, flavor)
        self._check_user_data(user_data)
        metadata = metadata or {}
        self._check_metadata(metadata)
        self._check_networks(requested_networks)
        from nova import availability_zones
        availability_zones.check_zone(context, availability_zone)
        key_data = None
        if key_name is not None:
            try:
                keypair = objects.KeyPair.get_by_name(
                    context, context.user_id, key_name)
            except exception.KeypairNotFound:
                raise InvalidBootRequest(
                    reason='Invalid key_name provided: no key pair named '
                           f'{key_name}.')
            key_data = keypair.public_key
        from nova import quota
        with quota.boot_guard(context):
            return self._create_within_quota(
                context, flavor, image, name, min_count, max_count,
                description, key_name, key_data, availability_zone,
                config_drive, access_ip_v4, access_ip_v6, user_data,
                metadata, tags, scheduler_hints, requested_networks,
                admin_password, trusted_certs=trusted_certs,
                destination=destination, hostname=hostname)

    def _create_within_quota(self, context, flavor, image, name, min_count,
                             max_count, description, key_name, key_data,
                             availability_zone, config_drive, access_ip_v4,
                             access_ip_v6, user_data, metadata, tags,
                             scheduler_hints, requested_networks,
                             admin_password, trusted_certs=None,
                             destination=None, hostname=None):
        from nova import quota
        limits = quota.scoped_limits(context, context.project_id,
                                     context.user_id)
        count = self._check_quota(context, flavor, min_count, max_count,
                                  limits=limits)
        reservation_id = f'r-{uuidutils.generate_uuid()[:8]}'
        options = {
            'description': description, 'key_name': key_name,
            'key_data': key_data,
            'availability_zone': (availability_zone or
                                  CONF.default_schedule_zone),
            'config_drive': config_drive, 'access_ip_v4': access_ip_v4,
            'access_ip_v6': access_ip_v6, 'user_data': user_data,
            'metadata': metadata, 'tags': tags or [],
            'trusted_certs': trusted_certs, 'hostname': hostname,
        }
        instances = [self._new_instance(context, flavor, image, name, i,
                                        count, reservation_id, options)
                     for i in range(count)]
        build_requests, request_specs = self._record_boot(
            context, instances, flavor, image, availability_zone,
            scheduler_hints, requested_networks, tags, destination)
        try:
            # The recheck: racing boots may all have passed the check.
            quota.recheck_instances(context, flavor, limits=limits)
            server_group.add_members(context, scheduler_hints, request_specs)
        except exception.OverQuota:
            self._forget_boot(context, build_requests, request_specs)
            raise
        try:
            self.compute_task_api.schedule_and_build_instances(
                context, build_requests=build_requests,
                request_specs=request_specs, image=image,
                admin_password=admin_password, injected_files=[],
                requested_networks=requested_networks,
                block_device_mapping=[], tags=tags or [])
        except Exception as exc:  # noqa: BLE001 - any failure: undo
            LOG.error('Could not hand the boot to the conductor: %s', exc)
            self._forget_boot(context, build_requests, request_specs)
            raise exception.MessagingUnavailable(reason=str(exc))
        return instances, reservation_id

    def _record_boot(self, context, instances, flavor, image,
                     availability_zone, scheduler_hints,
                     requested_networks, tags, destination=None):
        """Write RequestSpec, BuildRequest and InstanceMapping per instance,
        all or nothing. ``destination`` (host, node), either may be None:
        where the scheduler must place them (it still checks the host);
        the specs handed to the conductor carry it, the stored ones not."""
        build_requests, request_specs, mappings = [], [], []
        try:
            for instance in instances:
                spec = objects.RequestSpec.from_components(
                    context, instance.uuid, image, flavor, len(instances),
                    availability_zone, scheduler_hints, context.project_id,
                    context.user_id, requested_networks=requested_networks)
                spec.create()
                if destination is not None:
                    # For this placement only (not stored): later moves
                    # and unshelves choose freely again.
                    host, node = destination
                    spec.force_hosts = [host] if host else None
                    spec.force_nodes = [node] if node else None
                request_specs.append(spec)
                build_request = objects.BuildRequest(
                    context, instance=instance, instance_uuid=instance.uuid,
                    project_id=context.project_id, tags=list(tags or []))
                build_request.create()
                build_requests.append(build_request)
                mapping = objects.InstanceMapping(
                    context, instance_uuid=instance.uuid, cell_mapping=None,
                    project_id=context.project_id, user_id=context.user_id,
                    queued_for_delete=False)
                mapping.create()
                mappings.append(mapping)
        except Exception:
            self._forget_boot(context, build_requests, request_specs,
                              mappings)
            raise
        return build_requests, request_specs

    @staticmethod
    def _forget_boot(context, build_requests, request_specs, mappings=None):
        if mappings is None:
            mappings = []
            for br in build_requests:
                try:
                    mappings.append(objects.InstanceMapping.
                                    get_by_instance_uuid(context,
                                                         br.instance_uuid))
                except exception.InstanceMappingNotFound:
                    pass
        for item in list(mappings) + list(build_requests) + \
                list(request_specs):
            try:
                item.destroy()
            except exception.NotFound:
                pass
            except Exception as exc:  # noqa: BLE001 - clean up the rest
                LOG.warning('Could not remove %s of a failed boot: %s',
                            item.obj_name(), exc)

    # Get ------------------------------------------------------------------

    def get(self, context, instance_id, expected_attrs=None):
        """The server ``instance_id``: a cell instance or a build request's
        instance; InstanceNotFound for others' (non-admin) or unknown."""
        attrs = expected_attrs or INSTANCE_ATTRS
        if not uuidutils.is_uuid_like(instance_id):
            raise exception.InstanceNotFound(instance_id=instance_id)
        try:
            mapping = objects.InstanceMapping.get_by_instance_uuid(
                context, instance_id)
        except exception.InstanceMappingNotFound:
            raise exception.InstanceNotFound(instance_id=instance_id)
        if mapping.cell_mapping is None:
            try:
                build_request = objects.BuildRequest.get_by_instance_uuid(
                    context, instance_id)
                instance = build_request.instance
            except exception.BuildRequestNotFound:
                # The conductor may have just put it in a cell.
                mapping = objects.InstanceMapping.get_by_instance_uuid(
                    context, instance_id)
                if mapping.cell_mapping is None:
                    raise exception.InstanceNotFound(instance_id=instance_id)
                instance = None
        else:
            instance = None
        if instance is None:
            with nova_context.target_cell(context,
                                          mapping.cell_mapping) as cctxt:
                instance = objects.Instance.get_by_uuid(
                    cctxt, instance_id, expected_attrs=attrs)
        if not context.is_admin and instance.project_id != context.project_id:
            raise exception.InstanceNotFound(instance_id=instance_id)
        return instance

    def cell_of(self, context, instance_uuid):
        """The CellMapping of an instance, or None while it is building."""
        mapping = objects.InstanceMapping.get_by_instance_uuid(
            context, instance_uuid)
        return mapping.cell_mapping

    def get_all(self, context, filters, sort_keys, sort_dirs, limit=None,
                marker=None, down_cells=None):
        """Servers matching ``filters`` from build requests and all cells,
        merged in sort order, ``limit`` after ``marker``. The uuids of the
        cells that did not answer are appended to ``down_cells`` (a list)
        when given."""
        sort_keys, sort_dirs = list(sort_keys), list(sort_dirs)
        if 'uuid' not in sort_keys:
            # The same total order in SQL as in the merge below.
            sort_keys.append('uuid')
            sort_dirs.append('asc')
        order = _Ordering(sort_keys, sort_dirs)
        marker_instance = None
        if marker is not None:
            marker_instance = self._find_marker(context, marker)
        found = {}
        for build_request in objects.BuildRequestList.get_by_filters(
                context, filters, sort_keys=sort_keys, sort_dirs=sort_dirs):
            found[build_request.instance_uuid] = build_request.instance
        cells = objects.CellMappingList.get_all(context)

        def from_cell(cctxt):
            # Only the marker's own cell can page by marker in SQL; the
            # others are filtered by sort order below.
            cell_marker = marker if (
                marker_instance is not None and
                cctxt.cell_uuid == marker_instance[1]) else None
            cell_limit = limit if (marker is None or cell_marker) else None
            return objects.InstanceList.get_by_filters(
                cctxt, filters, limit=cell_limit, marker=cell_marker,
                sort_keys=list(sort_keys), sort_dirs=list(sort_dirs),
                expected_attrs=INSTANCE_ATTRS)

        results = nova_context.scatter_gather_cells(context, cells,
                                                    from_cell)
        for cell_uuid, result in results.items():
            if result is nova_context.did_not_respond_sentinel or \
                    isinstance(result, Exception):
                LOG.warning('Cell %s did not answer the server list; its '
                            'servers are left out.', cell_uuid)
                if down_cells is not None:
                    down_cells.append(cell_uuid)
                continue
            for instance in result:
                found[instance.uuid] = instance   # a cell beats a request
        instances = sorted(found.values(), key=order.key)
        if marker_instance is not None:
            marker_key = order.key(marker_instance[0])
            instances = [i for i in instances if order.key(i) > marker_key]
        if limit is not None:
            instances = instances[:limit]
        return instances

    def _find_marker(self, context, marker):
        """(instance, cell uuid or None) of the marker; MarkerNotFound."""
        try:
            return (objects.BuildRequest.get_by_instance_uuid(
                context, marker).instance, None)
        except exception.BuildRequestNotFound:
            pass
        try:
            cell = self.cell_of(context, marker)
        except exception.InstanceMappingNotFound:
            cell = None
        if cell is not None:
            with nova_context.target_cell(context, cell) as cctxt:
                cctxt.read_deleted = 'yes'
                try:
                    return (objects.Instance.get_by_uuid(cctxt, marker),
                            cell.uuid)
                except exception.InstanceNotFound:
                    pass
        raise exception.MarkerNotFound(marker=marker)

    # Update -------------------------------------------------------------

    def update(self, context, instance, **updates):
        """Change name/description/access IPs of a server."""
        if instance.obj_attr_is_set('id'):
            for key, value in updates.items():
                setattr(instance, key, value)
            instance.save()
            return instance
        try:
            build_request = objects.BuildRequest.get_by_instance_uuid(
                context, instance.uuid)
        except exception.BuildRequestNotFound:
            # Scheduled meanwhile: update the real instance.
            return self.update(context, self.get(context, instance.uuid),
                               **updates)
        for key, value in updates.items():
            setattr(build_request.instance, key, value)
        build_request.save()
        return build_request.instance

    # Delete ----------------------------------------------------------------

    def delete(self, context, instance, force=False):
        """Delete a server by the path its state calls for; with
        ``[DEFAULT] reclaim_instance_interval`` set (and not ``force``)
        a server on a working host is soft-deleted."""
        if instance.locked and not context.is_admin:
            raise InstanceLocked(instance_uuid=instance.uuid)
        if not instance.obj_attr_is_set('id'):
            if self._delete_build_request(context, instance):
                return
            instance = self.get(context, instance.uuid)
        cell = self.cell_of(context, instance.uuid)
        with nova_context.target_cell(context, cell) as cctxt:
            instance._context = cctxt
            if cell is not None and not cell.is_cell0() and \
                    instance.vm_state == vm_states.RESIZED:
                self._confirm_before_delete(cctxt, instance)
            if not force and cell is not None and not cell.is_cell0() and \
                    self._soft_delete_applies(cctxt, instance):
                self.soft_delete(context, instance)
                return
            self._record_action(cctxt, instance.uuid)
            if (cell is None or cell.is_cell0() or not instance.host or
                    not self._compute_is_up(cctxt, instance.host)):
                self._local_delete(cctxt, instance)
            else:
                self._remote_delete(cctxt, instance)
        self._queue_mapping_for_delete(context, instance.uuid)

    def _confirm_before_delete(self, cctxt, instance):
        """A server awaiting a resize confirmation keeps a guest and an
        allocation on the source: confirm first (and wait), so that the
        source host cleans up what nothing else would. If the source
        cannot, the delete goes on: the destination drops the source
        allocation, and the source's orphan reaper removes its guest."""
        try:
            migration = objects.Migration.get_by_instance_and_status(
                cctxt, instance.uuid, 'finished')
        except migration_obj.MigrationNotFoundByStatus:
            return
        if not self._compute_is_up(cctxt, migration.source_compute):
            return
        migration.status = 'confirming'
        migration.save()
        try:
            self.compute_rpcapi.confirm_resize(cctxt, instance, migration,
                                               cast=False)
        except Exception as exc:  # noqa: BLE001 - the delete goes on
            LOG.warning('Could not confirm the resize of %s before '
                        'deleting it: %s', instance.uuid, exc)
        instance.refresh()

    def _delete_build_request(self, context, instance):
        """True when the build request was ours to delete (not yet
        scheduled); False when the conductor got it first."""
        try:
            objects.BuildRequest(context, instance_uuid=instance.uuid,
                                 instance=instance).destroy()
        except exception.BuildRequestNotFound:
            return False
        try:
            objects.RequestSpec.get_by_instance_uuid(
                context, instance.uuid).destroy()
        except exception.RequestSpecNotFound:
            pass
        self._queue_mapping_for_delete(context, instance.uuid)
        return True

    @staticmethod
    def _queue_mapping_for_delete(context, instance_uuid):
        try:
            mapping = objects.InstanceMapping.get_by_instance_uuid(
                context, instance_uuid)
        except exception.InstanceMappingNotFound:
            return
        mapping.queued_for_delete = True
        mapping.save()

    @staticmethod
    def _record_action(cctxt, instance_uuid):
        try:
            objects.InstanceAction.action_start(
                cctxt, instance_uuid, 'delete', want_result=False)
        except Exception as exc:  # noqa: BLE001
            # The delete matters more than its record.
            LOG.warning('Could not record the delete action of %s: %s',
                        instance_uuid, exc)

    def _compute_is_up(self, cctxt, host):
        try:
            service = objects.Service.get_by_compute_host(cctxt, host)
        except (exception.ServiceNotFound, exception.ComputeHostNotFound):
            return False
        return self.servicegroup_api.service_is_up(service)

    def _local_delete(self, cctxt, instance):
        """Delete without the compute: cell0, never scheduled, or its
        compute is down."""
        if instance.host:
            try:
                from nova import network
                network.API().deallocate_for_instance(cctxt, instance)
            except Exception as exc:  # noqa: BLE001 - delete anyway
                LOG.warning('Could not release the network of %s: %s',
                            instance.uuid, exc)
        instance.vm_state = vm_states.DELETED
        instance.task_state = None
        instance.terminated_at = timeutils.utcnow()
        instance.save()
        instance.destroy()
        try:
            objects.ConsoleAuthToken.clean_console_auths_for_instance(
                cctxt, instance.uuid)
        except Exception as exc:  # noqa: BLE001 - refused anyway once deleted
            LOG.warning('Could not remove the console tokens of %s: %s',
                        instance.uuid, exc)
        try:
            self.placement.delete_allocation_for_instance(cctxt,
                                                          instance.uuid)
            from nova.compute import resize
            resize.drop_move_allocations(self.placement, cctxt,
                                         instance.uuid)
        except Exception as exc:  # noqa: BLE001 - heal later
            LOG.warning('Could not remove the allocations of %s: %s',
                        instance.uuid, exc)

    def _remote_delete(self, cctxt, instance):
        if instance.task_state == task_states.DELETING:
            return      # already on its way
        instance.task_state = task_states.DELETING
        instance.save()
        self.compute_rpcapi.terminate_instance(cctxt, instance, bdms=[])
