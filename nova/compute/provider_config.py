"""Provider config files: inventories and traits an operator adds to the
resource providers of a compute host (``[compute]
provider_config_location``, every ``*.yaml`` file in it).

The format (schema version 1.0)::

    meta:
      schema_version: '1.0'
    providers:
      - identification:
          uuid: '$COMPUTE_NODE'     # every node of this host; or a uuid,
                                    # or "name: <provider name>"
        inventories:
          additional:
            - CUSTOM_FPGA:
                total: 4
                reserved: 0         # the rest default as for any class
                allocation_ratio: 1.0
        traits:
          additional:
            - CUSTOM_GOLD
            - HW_GPU_API_VULKAN

Only custom resource classes may be added, and traits this service does
not manage itself (``COMPUTE_*`` and the driver's). A file that breaks
these rules, names one provider twice, or does not parse stops
nova-compute at start with the file and the reason.
"""

import dataclasses
import glob
import os
import re

import jsonschema
import yaml
from oslo_log import log as logging

from nova import exception
from nova.i18n import _

LOG = logging.getLogger(__name__)

COMPUTE_NODE = '$COMPUTE_NODE'
_NAME = re.compile(r'^[A-Z0-9_]+$')
_CUSTOM = re.compile(r'^CUSTOM_[A-Z0-9_]+$')

_INVENTORY = {
    'type': 'object',
    'properties': {
        'total': {'type': 'integer', 'minimum': 1},
        'reserved': {'type': 'integer', 'minimum': 0},
        'min_unit': {'type': 'integer', 'minimum': 1},
        'max_unit': {'type': 'integer', 'minimum': 1},
        'step_size': {'type': 'integer', 'minimum': 1},
        'allocation_ratio': {'type': 'number', 'exclusiveMinimum': 0},
    },
    'required': ['total'],
    'additionalProperties': False,
}

SCHEMA_V1 = {
    'type': 'object',
    'properties': {
        'meta': {
            'type': 'object',
            'properties': {'schema_version': {'enum': ['1.0']}},
            'required': ['schema_version'],
        },
        'providers': {
            'type': 'array',
            'items': {
                'type': 'object',
                'properties': {
                    'identification': {
                        'type': 'object',
                        'properties': {
                            'uuid': {'type': 'string', 'minLength': 1},
                            'name': {'type': 'string', 'minLength': 1},
                        },
                        'minProperties': 1,
                        'maxProperties': 1,
                        'additionalProperties': False,
                    },
                    'inventories': {
                        'type': 'object',
                        'properties': {'additional': {
                            'type': 'array',
                            'items': {
                                'type': 'object',
                                'patternProperties': {
                                    '^[A-Z0-9_]+$': _INVENTORY},
                                'additionalProperties': False,
                                'minProperties': 1,
                            },
                        }},
                        'additionalProperties': False,
                    },
                    'traits': {
                        'type': 'object',
                        'properties': {'additional': {
                            'type': 'array',
                            'items': {'type': 'string',
                                      'pattern': '^[A-Z0-9_]+$'},
                        }},
                        'additionalProperties': False,
                    },
                },
                'required': ['identification'],
                'additionalProperties': False,
            },
        },
    },
    'required': ['meta', 'providers'],
}


class ProviderConfigInvalid(exception.NovaException):
    msg_fmt = _('Provider config file %(path)s is not valid: %(reason)s')


@dataclasses.dataclass
class ProviderConfig:
    """What one ``providers`` entry adds to the provider it identifies."""
    source: str
    uuid: str = None
    name: str = None
    inventories: dict = dataclasses.field(default_factory=dict)
    traits: frozenset = frozenset()

    def matches(self, node_uuid, node_name):
        if self.uuid == COMPUTE_NODE:
            return True
        return self.uuid == node_uuid if self.uuid else \
            self.name == node_name


def _entry(path, raw):
    ident = raw['identification']
    inventories = {}
    for item in (raw.get('inventories') or {}).get('additional') or ():
        for rc, record in item.items():
            if not _CUSTOM.match(rc):
                raise ProviderConfigInvalid(path=path, reason=_(
                    'resource class %s is not a custom one (CUSTOM_*): the '
                    'standard ones are the driver\'s') % rc)
            if rc in inventories:
                raise ProviderConfigInvalid(path=path, reason=_(
                    'resource class %s is given twice') % rc)
            inventories[rc] = dict(record)
    traits = set((raw.get('traits') or {}).get('additional') or ())
    owned = sorted(t for t in traits if t.startswith('COMPUTE_'))
    if owned:
        raise ProviderConfigInvalid(path=path, reason=_(
            'traits %s are managed by nova-compute itself') %
            ', '.join(owned))
    return ProviderConfig(source=path, uuid=ident.get('uuid'),
                          name=ident.get('name'), inventories=inventories,
                          traits=frozenset(traits))


def load_file(path):
    try:
        with open(path) as f:
            data = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as exc:
        raise ProviderConfigInvalid(path=path, reason=str(exc)) from exc
    try:
        jsonschema.validate(data, SCHEMA_V1)
    except jsonschema.ValidationError as exc:
        where = '/'.join(str(p) for p in exc.absolute_path) or 'the file'
        raise ProviderConfigInvalid(path=path, reason=_(
            '%(where)s: %(error)s') % {'where': where,
                                       'error': exc.message}) from exc
    return [_entry(path, raw) for raw in data['providers']]


def load(location):
    """Every provider config of the ``*.yaml`` files in ``location`` (none
    when it does not exist); raises ProviderConfigInvalid."""
    if not location or not os.path.isdir(location):
        return []
    configs, seen = [], {}
    for path in sorted(glob.glob(os.path.join(location, '*.yaml'))):
        for config in load_file(path):
            key = ('uuid', config.uuid) if config.uuid else \
                ('name', config.name)
            if key in seen:
                raise ProviderConfigInvalid(path=path, reason=_(
                    'provider %(id)s is also configured in %(other)s') % {
                        'id': key[1], 'other': seen[key]})
            seen[key] = path
            configs.append(config)
    if configs:
        LOG.info('Provider configs loaded from %s: %d provider(s)',
                 location, len(configs))
    return configs


def for_node(configs, node_uuid, node_name):
    """(inventories, traits) the configs add to this node's provider. A
    uuid or name entry wins over ``$COMPUTE_NODE`` for what both give."""
    inventories, traits = {}, set()
    ordered = sorted(configs, key=lambda c: c.uuid != COMPUTE_NODE)
    for config in ordered:
        if config.matches(node_uuid, node_name):
            inventories.update(config.inventories)
            traits |= config.traits
    return inventories, traits
