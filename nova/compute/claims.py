"""A claim: resources a build holds on a node until it ends.

The scheduler's Placement allocation already reserves the resources; the
local claim is a second check against what this host itself knows, and
counts the build at once so that concurrent builds see each other.
"""

import collections

from nova import exception
from nova.i18n import _

# What one instance uses of a node.
Usage = collections.namedtuple('Usage', ['vcpus', 'memory_mb', 'disk_gb'])


def usage_of(instance):
    """The :class:`Usage` of ``instance`` (its flavor, else its columns)."""
    flavor = instance.flavor if instance.obj_attr_is_set('flavor') \
        and instance.flavor is not None else None
    if flavor is not None:
        return Usage(flavor.vcpus, flavor.memory_mb,
                     (flavor.root_gb or 0) + (flavor.ephemeral_gb or 0))
    return Usage(instance.vcpus or 0, instance.memory_mb or 0,
                 (instance.root_gb or 0) + (instance.ephemeral_gb or 0))


def check_fits(nodename, wanted, free):
    """Raise ``ComputeResourcesUnavailable`` naming every resource that
    ``wanted`` (Usage) exceeds in ``free`` (Usage)."""
    short = []
    for name, unit in (('vcpus', 'VCPU'), ('memory_mb', 'MB of memory'),
                       ('disk_gb', 'GB of disk')):
        need, have = getattr(wanted, name), getattr(free, name)
        if need > have:
            short.append(_('%(need)s %(unit)s wanted, %(have)s free') % {
                'need': need, 'unit': unit, 'have': max(have, 0)})
    if short:
        raise exception.ComputeResourcesUnavailable(
            reason=_('node %(node)s: %(short)s') % {
                'node': nodename, 'short': '; '.join(short)})


class Claim:
    """Resources of one instance held on ``nodename``.

    Use as a context manager around the build: an exception in the block
    aborts the claim (the usage is given back) and propagates.
    """

    def __init__(self, tracker, instance_uuid, nodename, usage):
        self.tracker = tracker
        self.instance_uuid = instance_uuid
        self.nodename = nodename
        self.usage = usage

    def abort(self):
        self.tracker.abort_instance_claim(self.instance_uuid, self.nodename)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if exc_type is not None:
            self.abort()
        return False
