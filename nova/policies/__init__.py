"""Default policy rules of the Compute API, one module per resource.

``list_rules()`` is the ``oslo.policy.policies`` entry point.
"""

import itertools

from nova.policies import (
    aggregates,
    availability_zone,
    base,
    flavors,
    hypervisors,
    images,
    instance_actions,
    keypairs,
    limits,
    quota_class_sets,
    quota_sets,
    server_actions,
    servers,
    services,
)


def list_rules():
    return list(itertools.chain(
        base.list_rules(),
        flavors.list_rules(),
        images.list_rules(),
        instance_actions.list_rules(),
        keypairs.list_rules(),
        servers.list_rules(),
        aggregates.list_rules(),
        availability_zone.list_rules(),
        hypervisors.list_rules(),
        limits.list_rules(),
        quota_class_sets.list_rules(),
        quota_sets.list_rules(),
        services.list_rules(),
        server_actions.list_rules(),
    ))
