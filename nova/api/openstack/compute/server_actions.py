"""POST /servers/{id}/action: the actions that keep a server on its host.

The body names one action (``{"pause": null}``, ``{"reboot": {"type":
"SOFT"}}``, ...). Each handler checks its policy, validates its body
against its JSON-Schema for the request's microversion and hands the
work to the compute API, which checks the lock and the state table.
"""

import nova.conf
from nova import exception, objects
from nova.api import validation, wsgi
from nova.api.openstack import api_version_request as avr
from nova.api.openstack import errors
from nova.api.openstack.compute import remote_consoles
from nova.api.openstack.compute.schemas import remote_consoles as console_schema
from nova.api.openstack.compute.schemas import server_actions as schema
from nova.compute import api as compute

CONF = nova.conf.CONF
# The system metadata key of why a server is locked (2.73).
LOCKED_REASON = 'locked_reason'

# {action: (handler name, lowest microversion, success code)}
_ACTIONS = {
    'reboot': ('_reboot', '2.1', 202),
    'os-stop': ('_stop', '2.1', 202),
    'os-start': ('_start', '2.1', 202),
    'pause': ('_pause', '2.1', 202),
    'unpause': ('_unpause', '2.1', 202),
    'suspend': ('_suspend', '2.1', 202),
    'resume': ('_resume', '2.1', 202),
    'lock': ('_lock', '2.1', 202),
    'unlock': ('_unlock', '2.1', 202),
    'os-resetState': ('_reset_state', '2.1', 202),
    'changePassword': ('_change_password', '2.1', 202),
    'os-getConsoleOutput': ('_console_output', '2.1', 200),
    'trigger_crash_dump': ('_trigger_crash_dump', '2.17', 202),
    'resize': ('_resize', '2.1', 202),
    'confirmResize': ('_confirm_resize', '2.1', 204),
    'revertResize': ('_revert_resize', '2.1', 202),
    'migrate': ('_migrate', '2.1', 202),
    'os-migrateLive': ('_migrate_live', '2.1', 202),
    'evacuate': ('_evacuate', '2.1', 200),
    'rebuild': ('_rebuild', '2.1', 202),
    'createImage': ('_create_image', '2.1', 202),
    'createBackup': ('_create_backup', '2.1', 202),
    'shelve': ('_shelve', '2.1', 202),
    'shelveOffload': ('_shelve_offload', '2.1', 202),
    'unshelve': ('_unshelve', '2.1', 202),
    'rescue': ('_rescue', '2.1', 200),
    'unrescue': ('_unrescue', '2.1', 202),
    'restore': ('_restore', '2.1', 202),
    'forceDelete': ('_force_delete', '2.1', 202),
}
# The get-console actions (2.1 - 2.5), handled by remote_consoles.
_ACTIONS.update({name: ('_get_console', '2.1', 200)
                 for name in console_schema.LEGACY_ACTIONS})

_SCHEMAS = {
    'reboot': schema.reboot,
    'os-resetState': schema.reset_state,
    'changePassword': schema.change_password,
    'os-getConsoleOutput': schema.console_output,
    'resize': schema.resize,
    'createImage': schema.create_image,
    'createBackup': schema.create_backup,
    'rescue': schema.rescue,
}
_SCHEMAS.update({name: body_schema for name, (_protocol, body_schema)
                 in console_schema.LEGACY_ACTIONS.items()})


class UnknownAction(exception.Invalid):
    msg_fmt = 'There is no such server action: %(action)s.'


class ServerActionsController:

    def __init__(self):
        self.compute_api = compute.API()

    def action(self, req, id, body):
        if not isinstance(body, dict) or len(body) != 1:
            raise exception.ValidationError(
                detail='The body of a server action names exactly one '
                       'action, e.g. {"reboot": {"type": "SOFT"}}; got '
                       f'{sorted(body) if isinstance(body, dict) else body}.')
        (name,) = body
        entry = _ACTIONS.get(name)
        if entry is None:
            raise UnknownAction(action=name)
        if not avr.is_supported(req, entry[1]):
            # An action newer than the request's microversion is a method
            # that does not exist at that version.
            raise errors.VersionNotFoundForAPIMethod(
                version=req.api_version_request.get_string())
        handler, _min_version, code = entry
        if name == 'rebuild':
            body_schema = schema.rebuild(avr.is_supported(req, '2.19'),
                                         v2_54=avr.is_supported(req, '2.54'),
                                         v2_57=avr.is_supported(req, '2.57'),
                                         v2_63=avr.is_supported(req, '2.63'),
                                         v2_90=avr.is_supported(req, '2.90'))
        elif name == 'evacuate':
            body_schema = schema.evacuate(avr.is_supported(req, '2.14'),
                                          avr.is_supported(req, '2.29'),
                                          avr.is_supported(req, '2.68'))
        elif name == 'migrate' and avr.is_supported(req, '2.56'):
            body_schema = schema.migrate_v256
        elif name == 'lock' and avr.is_supported(req, '2.73'):
            body_schema = schema.lock_v273
        elif name == 'unshelve' and avr.is_supported(req, '2.91'):
            body_schema = schema.unshelve_v291
        elif name == 'unshelve' and avr.is_supported(req, '2.77'):
            body_schema = schema.unshelve_v277
        elif name == 'os-migrateLive':
            body_schema = schema.migrate_live(avr.is_supported(req, '2.25'),
                                              avr.is_supported(req, '2.30'),
                                              avr.is_supported(req, '2.68'))
        else:
            body_schema = _SCHEMAS.get(name) or schema.no_args(name)
        validation.validate(body_schema, body)
        instance = self.compute_api.get(req.context, id)
        if handler == '_get_console':
            return wsgi.ResponseObject(remote_consoles.legacy_action(
                self.compute_api, req, instance, name, body[name]), code=code)
        result = getattr(self, handler)(req, instance, body[name])
        if isinstance(result, wsgi.ResponseObject):
            return result
        return wsgi.ResponseObject(result, code=code)

    @staticmethod
    def _can(req, instance, rule):
        req.context.can(rule, target={'project_id': instance.project_id,
                                      'user_id': instance.user_id})

    # Power --------------------------------------------------------------

    def _reboot(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:reboot')
        self.compute_api.reboot(req.context, instance, args['type'].upper())

    def _stop(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:stop')
        self.compute_api.stop(req.context, instance)

    def _start(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:start')
        self.compute_api.start(req.context, instance)

    def _pause(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-pause-server:pause')
        self.compute_api.pause(req.context, instance)

    def _unpause(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-pause-server:unpause')
        self.compute_api.unpause(req.context, instance)

    def _suspend(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-suspend-server:suspend')
        self.compute_api.suspend(req.context, instance)

    def _resume(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-suspend-server:resume')
        self.compute_api.resume(req.context, instance)

    def _trigger_crash_dump(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:trigger_crash_dump')
        self.compute_api.trigger_crash_dump(req.context, instance)

    # Lock, state, password, console -------------------------------------

    @staticmethod
    def _set_locked_reason(instance, reason):
        """2.73: the reason of a lock lives in the system metadata; the
        compute API's lock and unlock save it with the lock itself."""
        meta = dict(instance.system_metadata or {})
        meta.pop(LOCKED_REASON, None)
        if reason:
            meta[LOCKED_REASON] = reason
        instance.system_metadata = meta

    def _lock(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-lock-server:lock')
        self._set_locked_reason(instance, (args or {}).get('locked_reason'))
        self.compute_api.lock(req.context, instance)

    def _unlock(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-lock-server:unlock')
        if instance.locked and instance.locked_by == 'admin' and \
                instance.project_id == req.context.project_id:
            # An owner may not lift an admin's lock without this rule.
            self._can(req, instance,
                      'os_compute_api:os-lock-server:unlock:unlock_override')
        self._set_locked_reason(instance, None)
        self.compute_api.unlock(req.context, instance)

    def _reset_state(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-admin-actions:reset_state')
        self.compute_api.reset_state(req.context, instance, args['state'])

    def _change_password(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-admin-password')
        self.compute_api.set_admin_password(req.context, instance,
                                            args['adminPass'])

    def _console_output(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-console-output')
        length = (args or {}).get('length')
        if length is not None:
            length = int(length)
            if length < -1:
                raise exception.ValidationError(
                    detail=f'Invalid length {length}: give a number of '
                           'lines, or -1 for the whole console log.')
        output = self.compute_api.get_console_output(req.context, instance,
                                                     tail_length=length)
        return {'output': output}

    # Moves ----------------------------------------------------------------

    def _resize(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:resize')
        self.compute_api.resize(req.context, instance,
                                flavor_id=str(args['flavorRef']).rstrip(
                                    '/').rsplit('/', 1)[-1])

    def _confirm_resize(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:confirm_resize')
        self.compute_api.confirm_resize(req.context, instance)

    def _revert_resize(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:revert_resize')
        self.compute_api.revert_resize(req.context, instance)

    def _migrate(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-migrate-server:migrate')
        # 2.56: {"migrate": {"host": ...}} names the destination.
        self.compute_api.resize(req.context, instance,
                                host_name=(args or {}).get('host'))

    def _migrate_live(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-migrate-server:'
                                 'migrate_live')
        block = args.get('block_migration')
        # "auto" (2.25) lets the driver choose; older strings are bools.
        block = None if block == 'auto' else \
            str(block).lower() == 'true'
        self.compute_api.live_migrate(req.context, instance,
                                      host_name=args.get('host'),
                                      block_migration=block,
                                      force=args.get('force'))

    def _evacuate(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-evacuate')
        from nova.api.openstack.compute import servers as servers_api
        password = args.get('adminPass')
        if password is None and not avr.is_supported(req, '2.14'):
            password = servers_api._generate_password()
        self.compute_api.evacuate(req.context, instance,
                                  host_name=args.get('host'),
                                  admin_password=password,
                                  force=args.get('force'))
        if avr.is_supported(req, '2.14'):
            return None
        return {'adminPass': password}

    # Rebuild ------------------------------------------------------------

    def _rebuild(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:rebuild')
        from nova.api.openstack.compute import servers as servers_api
        from nova.api.openstack.compute.views import servers as views
        password = args.get('adminPass') or \
            servers_api._generate_password()
        updates = {key: args[field] for field, key in (
            ('name', 'display_name'), ('description', 'display_description'),
            ('accessIPv4', 'access_ip_v4'), ('accessIPv6', 'access_ip_v6'),
            ('user_data', 'user_data'), ('hostname', 'hostname'))
            if field in args}
        if 'key_name' in args:
            updates.update(self._key_pair(req, args['key_name']))
        if 'trusted_image_certificates' in args:
            # 2.63: replaced; null unsets them or resets the defaults.
            requested = args['trusted_image_certificates']
            if requested:
                self._can(req, instance,
                          'os_compute_api:servers:rebuild:trusted_certs')
            updates['trusted_certs'] = servers_api.trusted_certs(
                requested, not instance.image_ref,
                'trusted_image_certificates: image certificate validation '
                'is not supported for volume-backed servers.')
        # 2.57: the same checks as at create (base64, size).
        self.compute_api._check_user_data(args.get('user_data'))
        instance = self.compute_api.rebuild(
            req.context, instance, args['imageRef'], password,
            metadata=args.get('metadata'),
            preserve_ephemeral=args.get('preserve_ephemeral', False),
            **updates)
        statuses = servers_api.host_statuses(self.compute_api, req,
                                             [instance])
        server = views.add_server_groups(
            req, views.updated(req, instance, rebuild=True,
                               host_status=statuses.get(instance.uuid)),
            instance.uuid)
        server['adminPass'] = password
        return {'server': server}

    @staticmethod
    def _key_pair(req, key_name):
        """2.54: the rebuilt server's key pair, one of the user's (None
        removes it)."""
        if key_name is None:
            return {'key_name': None, 'key_data': None}
        try:
            keypair = objects.KeyPair.get_by_name(
                req.context, req.context.user_id, key_name)
        except exception.KeypairNotFound:
            raise exception.ValidationError(
                detail=f'Invalid key_name provided: you have no key pair '
                       f'named {key_name}.')
        return {'key_name': keypair.name, 'key_data': keypair.public_key}

    # Images -------------------------------------------------------------

    def _image_response(self, req, image_id):
        """2.45 answers with the image id in the body; before, a
        Location header names the image."""
        if avr.is_supported(req, '2.45'):
            return wsgi.ResponseObject({'image_id': image_id}, code=202)
        from nova.api.openstack import common
        href = common.resource_links(req, 'images', image_id)[0]['href']
        return wsgi.ResponseObject(None, code=202,
                                   headers={'Location': href})

    @staticmethod
    def _check_image_metadata_quota(req, metadata):
        """Up to 2.38 an image's metadata counts against the
        metadata_items quota (403); 2.39 leaves it to the image service."""
        if avr.is_supported(req, '2.39') or not metadata:
            return
        limit = CONF.quota.metadata_items
        if 0 <= limit < len(metadata):
            raise compute.MetadataLimitExceeded(count=len(metadata),
                                                limit=limit)

    def _create_image(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:servers:create_image')
        self._check_image_metadata_quota(req, args.get('metadata'))
        image = self.compute_api.snapshot(req.context, instance,
                                          args['name'],
                                          extra_properties=args.get(
                                              'metadata'))
        return self._image_response(req, image['id'])

    def _create_backup(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-create-backup')
        self._check_image_metadata_quota(req, args.get('metadata'))
        image = self.compute_api.backup(
            req.context, instance, args['name'], args['backup_type'],
            int(args['rotation']), extra_properties=args.get('metadata'))
        return self._image_response(req, image['id'])

    # Shelve -------------------------------------------------------------

    def _shelve(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-shelve:shelve')
        self.compute_api.shelve(req.context, instance)

    def _shelve_offload(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-shelve:shelve_offload')
        self.compute_api.shelve_offload(req.context, instance)

    def _unshelve(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-shelve:unshelve')
        args = args or {}
        kwargs = {}
        # 2.77: an offloaded server may be scheduled into a named zone;
        # 2.91: or anywhere (null), and to a host (admins).
        if args.get('availability_zone') is not None or (
                'availability_zone' in args and
                avr.is_supported(req, '2.91')):
            kwargs['availability_zone'] = args['availability_zone']
        if args.get('host') is not None:
            self._can(req, instance,
                      'os_compute_api:os-shelve:unshelve_to_host')
            kwargs['host'] = args['host']
        self.compute_api.unshelve(req.context, instance, **kwargs)

    # Rescue -------------------------------------------------------------

    def _rescue(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-rescue')
        from nova.api.openstack.compute import servers as servers_api
        args = args or {}
        password = args.get('adminPass') or servers_api._generate_password()
        self.compute_api.rescue(req.context, instance, password,
                                rescue_image_ref=args.get(
                                    'rescue_image_ref'))
        return {'adminPass': password}

    def _unrescue(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-unrescue')
        self.compute_api.unrescue(req.context, instance)

    # Soft delete --------------------------------------------------------

    def _restore(self, req, instance, args):
        self._can(req, instance,
                  'os_compute_api:os-deferred-delete:restore')
        self.compute_api.restore(req.context, instance)

    def _force_delete(self, req, instance, args):
        self._can(req, instance, 'os_compute_api:os-deferred-delete:force')
        self.compute_api.force_delete(req.context, instance)
