"""Request bodies of ``POST /servers/{id}/action``, one per action."""

from nova.api.openstack.compute.schemas import servers as server_schema
from nova.api.validation import parameter_types as types

_NO_ARGS = {'oneOf': [{'type': 'null'},
                      {'type': 'object', 'properties': {},
                       'additionalProperties': False}]}


def _action(name, args):
    return {'type': 'object', 'properties': {name: args},
            'required': [name], 'additionalProperties': False}


reboot = _action('reboot', {
    'type': 'object',
    'properties': {'type': {'type': 'string',
                            'enum': ['HARD', 'Hard', 'hard',
                                     'SOFT', 'Soft', 'soft']}},
    'required': ['type'],
    'additionalProperties': False,
})

reset_state = _action('os-resetState', {
    'type': 'object',
    'properties': {'state': {'type': 'string', 'enum': ['active', 'error']}},
    'required': ['state'],
    'additionalProperties': False,
})

change_password = _action('changePassword', {
    'type': 'object',
    'properties': {'adminPass': {'type': 'string', 'minLength': 1,
                                 'maxLength': 255}},
    'required': ['adminPass'],
    'additionalProperties': False,
})

console_output = _action('os-getConsoleOutput', {
    'type': 'object',
    'properties': {'length': {
        'type': ['integer', 'string', 'null'],
        'pattern': '^-?[0-9]+$',
        # -1 (or no length) is the whole log.
        'minimum': -1,
    }},
    'additionalProperties': False,
})


def no_args(name):
    """The body of an action that takes nothing: {"<name>": null}."""
    return _action(name, _NO_ARGS)


# 2.73: a lock may say why.
lock_v273 = _action('lock', {
    'type': ['object', 'null'],
    'properties': {'locked_reason': {'type': 'string', 'minLength': 1,
                                     'maxLength': 255}},
    'additionalProperties': False,
})


# Moves, rebuild, images, shelve, rescue, soft delete -------------------

_FLAVOR_REF = {'type': ['string', 'integer'], 'minLength': 1,
               'pattern': r'^\S+$'}
_DISK_CONFIG = {'type': 'string', 'enum': ['AUTO', 'MANUAL']}
_NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255,
         'pattern': r'^\S(.*\S)?$'}
_METADATA = {'type': 'object',
             'patternProperties': {'^[a-zA-Z0-9-_:. ]{1,255}$': {
                 'type': 'string', 'maxLength': 255}},
             'additionalProperties': False}

resize = _action('resize', {
    'type': 'object',
    'properties': {'flavorRef': _FLAVOR_REF,
                   'OS-DCF:diskConfig': _DISK_CONFIG},
    'required': ['flavorRef'],
    'additionalProperties': False,
})

# 2.56: a cold migration may name its destination host.
migrate_v256 = _action('migrate', {'oneOf': [
    {'type': 'null'},
    {'type': 'object',
     'properties': {'host': {'type': ['string', 'null'], 'minLength': 1,
                             'maxLength': 255}},
     'additionalProperties': False}]})

_REBUILD_PROPERTIES = {
    'imageRef': {'type': 'string', 'minLength': 1},
    'name': _NAME,
    'adminPass': {'type': 'string', 'maxLength': 255},
    'metadata': _METADATA,
    'preserve_ephemeral': {'type': 'boolean'},
    'accessIPv4': {'type': 'string', 'format': 'ipv4'},
    'accessIPv6': {'type': 'string', 'format': 'ipv6'},
    'OS-DCF:diskConfig': _DISK_CONFIG,
    'personality': {'type': 'array', 'items': {
        'type': 'object',
        'properties': {'path': {'type': 'string', 'minLength': 1,
                                'maxLength': 255},
                       'contents': {'type': 'string'}},
        'required': ['path', 'contents'],
        'additionalProperties': False}},
}


def rebuild(microversion_2_19=False, v2_54=False, v2_57=False,
            v2_63=False, v2_90=False):
    """2.19 adds ``description``; 2.54 ``key_name`` (null removes the
    server's key pair); 2.57 ``user_data`` (null removes it) and drops
    ``personality``; 2.63 ``trusted_image_certificates`` (null: the
    configured defaults, or none); 2.90 ``hostname``."""
    properties = dict(_REBUILD_PROPERTIES)
    if microversion_2_19:
        properties['description'] = {'type': ['string', 'null'],
                                     'maxLength': 255}
    if v2_54:
        properties['key_name'] = {'type': ['string', 'null'],
                                  'minLength': 1, 'maxLength': 255}
    if v2_57:
        del properties['personality']
        properties['user_data'] = {'oneOf': [
            {'type': 'string', 'format': 'base64', 'maxLength': 65535},
            {'type': 'null'}]}
    if v2_63:
        properties['trusted_image_certificates'] = types.trusted_certs
    if v2_90:
        properties['hostname'] = server_schema.hostname
    return _action('rebuild', {
        'type': 'object', 'properties': properties,
        'required': ['imageRef'], 'additionalProperties': False})


create_image = _action('createImage', {
    'type': 'object',
    'properties': {'name': _NAME, 'metadata': _METADATA},
    'required': ['name'],
    'additionalProperties': False,
})

create_backup = _action('createBackup', {
    'type': 'object',
    'properties': {'name': _NAME,
                   'backup_type': {'type': 'string', 'minLength': 1},
                   'rotation': {'type': ['integer', 'string'],
                                'pattern': '^[0-9]+$', 'minimum': 0},
                   'metadata': _METADATA},
    'required': ['name', 'backup_type', 'rotation'],
    'additionalProperties': False,
})

rescue = _action('rescue', {
    'oneOf': [{'type': 'null'}, {
        'type': 'object',
        'properties': {'adminPass': {'type': 'string', 'minLength': 1,
                                     'maxLength': 255},
                       'rescue_image_ref': {'type': 'string',
                                            'format': 'uuid'}},
        'additionalProperties': False}],
})


# 2.77: an offloaded server may be unshelved into a given zone.
unshelve_v277 = _action('unshelve', {
    'type': ['object', 'null'],
    'properties': {'availability_zone': _NAME},
    'additionalProperties': False,
})


# 2.91: also to a host (admins), and availability_zone null unpins the
# server from its zone; an object names at least one of them.
unshelve_v291 = _action('unshelve', {
    'type': ['object', 'null'],
    'properties': {
        'availability_zone': {'oneOf': [_NAME, {'type': 'null'}]},
        'host': {'type': 'string', 'minLength': 1, 'maxLength': 255,
                 'pattern': r'^[a-zA-Z0-9._-]+$'},
    },
    'minProperties': 1,
    'additionalProperties': False,
})


# Live migration -------------------------------------------------------

_HOST = {'type': ['string', 'null'], 'minLength': 1, 'maxLength': 255}


def migrate_live(v2_25=False, v2_30=False, v2_68=False):
    """os-migrateLive: block_migration takes "auto" from 2.25, when
    disk_over_commit goes; force comes in 2.30 and goes in 2.68."""
    props = {'host': _HOST}
    required = ['host']
    if v2_25:
        props['block_migration'] = {'type': ['boolean', 'string'],
                                    'enum': [True, False, 'auto']}
        required.append('block_migration')
    else:
        props['block_migration'] = {'type': ['boolean', 'string'],
                                    'enum': [True, False, 'True', 'False',
                                             'true', 'false']}
        props['disk_over_commit'] = {'type': ['boolean', 'string'],
                                     'enum': [True, False, 'True', 'False',
                                              'true', 'false']}
        required += ['block_migration', 'disk_over_commit']
    if v2_30 and not v2_68:
        props['force'] = {'type': 'boolean'}
    return _action('os-migrateLive', {
        'type': 'object', 'properties': props, 'required': required,
        'additionalProperties': False})


def evacuate(v2_14=False, v2_29=False, v2_68=False):
    """evacuate: onSharedStorage is gone from 2.14 (the driver knows);
    force comes in 2.29 and goes in 2.68."""
    props = {'host': {'type': 'string', 'minLength': 1, 'maxLength': 255},
             'adminPass': {'type': 'string', 'minLength': 1,
                           'maxLength': 255}}
    required = []
    if not v2_14:
        props['onSharedStorage'] = {'type': ['boolean', 'string'],
                                    'enum': [True, False, 'True', 'False',
                                             'true', 'false']}
        required.append('onSharedStorage')
    if v2_29 and not v2_68:
        props['force'] = {'type': 'boolean'}
    return _action('evacuate', {
        'type': 'object', 'properties': props, 'required': required,
        'additionalProperties': False})
