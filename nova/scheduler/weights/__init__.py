"""Weighers: order the hosts that passed the filters, best first.

Each :class:`BaseWeigher` gives every host a raw value; values are
normalized to [0, 1] over the candidate hosts, multiplied by the weigher's
multiplier and summed. The multiplier is ``[filter_scheduler]
<option>``, or for a host in an aggregate whose metadata has
``<option>`` (e.g. ``ram_weight_multiplier``) that value (the smallest,
if several of its aggregates set it).
"""

from oslo_log import log as logging

import nova.conf
from nova import exception
from nova.i18n import _

CONF = nova.conf.CONF
LOG = logging.getLogger(__name__)


class BaseWeigher:
    """Subclasses set :attr:`option` and implement :meth:`weigh`."""

    # The [filter_scheduler] option and aggregate metadata key of the
    # multiplier, e.g. 'ram_weight_multiplier'.
    option = None

    def weigh(self, host_state, spec):
        raise NotImplementedError()

    def multiplier(self, host_state=None):
        configured = getattr(CONF.filter_scheduler, self.option)
        if host_state is None:
            return configured
        values = []
        for value in host_state.aggregate_metadata(self.option):
            try:
                values.append(float(value))
            except ValueError:
                LOG.warning('Aggregate metadata %s=%r of host %s is not a '
                            'number; using [filter_scheduler] %s',
                            self.option, value, host_state.host,
                            self.option)
        return min(values) if values else configured


class WeighedHost:
    def __init__(self, host_state, weight):
        self.host = host_state
        self.weight = weight

    def __repr__(self):
        return f'<WeighedHost {self.host.host}: {self.weight:.3f}>'


def _normalize(values):
    lo, hi = min(values), max(values)
    if hi == lo:
        return [0.0 for _v in values]
    return [(v - lo) / float(hi - lo) for v in values]


def weigh_hosts(weighers, hosts, spec):
    """WeighedHosts sorted best first (ties keep the hosts' order)."""
    totals = [0.0] * len(hosts)
    # Only hosts in aggregates can have a multiplier of their own.
    in_aggregates = [bool(getattr(h, 'aggregates', True)) for h in hosts]
    for weigher in weighers if hosts else ():
        configured = weigher.multiplier()
        if not configured and not any(in_aggregates):
            continue    # weighs nothing (e.g. NumInstancesWeigher: 0.0)
        normalized = _normalize([weigher.weigh(h, spec) for h in hosts])
        totals = [t + (weigher.multiplier(h) if agg else configured) * n
                  for t, n, h, agg in zip(totals, normalized, hosts,
                                          in_aggregates)]
    weighed = [WeighedHost(h, w) for h, w in zip(hosts, totals)]
    return sorted(weighed, key=lambda wh: -wh.weight)


def all_weighers():
    from nova.scheduler.weights import (
        affinity,
        build_failure,
        cpu,
        disk,
        hypervisor_version,
        io_ops,
        num_instances,
        ram,
    )
    return {cls.__name__: cls for cls in (
        ram.RAMWeigher, cpu.CPUWeigher, disk.DiskWeigher,
        io_ops.IoOpsWeigher, num_instances.NumInstancesWeigher,
        build_failure.BuildFailureWeigher,
        hypervisor_version.HypervisorVersionWeigher,
        affinity.ServerGroupSoftAffinityWeigher,
        affinity.ServerGroupSoftAntiAffinityWeigher)}


def load_weighers(names):
    known = all_weighers()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise exception.InvalidInput(reason=_(
            '[filter_scheduler] weight_classes names unknown weighers: '
            '%(unknown)s (known: %(known)s)') % {
                'unknown': ', '.join(unknown),
                'known': ', '.join(sorted(known))})
    return [known[n]() for n in names]
