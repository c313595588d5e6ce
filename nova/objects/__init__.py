"""nova's versioned objects. ``register_all()`` imports every object module
so that each class is reachable as ``nova.objects.<Name>``."""


def register_all():
    import importlib
    for name in _MODULES:
        importlib.import_module('nova.objects.' + name)


# Modules holding registered objects; keep sorted.
_MODULES = (
    'aggregate',
    'build_request',
    'cell_mapping',
    'compute_node',
    'console_auth_token',
    'flavor',
    'host_mapping',
    'image_meta',
    'instance',
    'instance_action',
    'instance_fault',
    'instance_group',
    'instance_info_cache',
    'instance_list',
    'instance_mapping',
    'keypair',
    'migration',
    'quotas',
    'request_spec',
    'selection',
    'service',
    'tag',
    'virtual_interface',
)
