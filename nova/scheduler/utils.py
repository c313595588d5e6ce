"""Helpers the scheduler and conductor share around a RequestSpec."""

from nova.scheduler import resource_request

# Kept here for the callers that know them under this module.
spec_field = resource_request.spec_field
ResourceRequest = resource_request.ResourceRequest
VCPU = resource_request.VCPU
MEMORY_MB = resource_request.MEMORY_MB
DISK_GB = resource_request.DISK_GB


def resources_from_request_spec(spec):
    """The ResourceRequest of one instance of ``spec`` (see
    :mod:`nova.scheduler.resource_request`)."""
    return resource_request.from_spec(spec)


def scheduler_hint(spec, name):
    """The values (a list of strings) of hint ``name``, or []."""
    hints = spec_field(spec, 'scheduler_hints') or {}
    values = hints.get(name) or []
    return [values] if isinstance(values, str) else list(values)


def claim_resources(ctxt, reportclient, spec, instance_uuid,
                    alloc_request, allocation_request_version=None):
    """Claim ``alloc_request`` for the instance as the spec's owner."""
    return reportclient.claim_resources(
        ctxt, instance_uuid, alloc_request,
        spec_field(spec, 'project_id') or ctxt.project_id,
        spec_field(spec, 'user_id') or ctxt.user_id,
        allocation_request_version=allocation_request_version)
