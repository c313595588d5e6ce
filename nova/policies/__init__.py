"""Default policy rules of the Compute API, one module per resource.

``list_rules()`` is the ``oslo.policy.policies`` entry point.
"""

import itertools

from nova.policies import (
    aggregates,
    availability_zone,
    base,
    extensions,
    flavor_access,
    flavors,
    hypervisors,
    images,
    instance_actions,
    instance_usage_audit_log,
    keypairs,
    limits,
    proxies,
    quota_class_sets,
    quota_sets,
    remote_consoles,
    server_actions,
    server_diagnostics,
    server_external_events,
    server_groups,
    server_lifecycle,
    server_password,
    server_topology,
    servers,
    services,
    simple_tenant_usage,
)


def list_rules():
    return list(itertools.chain(
        base.list_rules(),
        flavors.list_rules(),
        flavor_access.list_rules(),
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
        server_groups.list_rules(),
        extensions.list_rules(),
        proxies.list_rules(),
        instance_usage_audit_log.list_rules(),
        server_diagnostics.list_rules(),
        server_password.list_rules(),
        server_external_events.list_rules(),
        simple_tenant_usage.list_rules(),
        server_lifecycle.list_rules(),
        remote_consoles.list_rules(),
        server_topology.list_rules(),
    ))
