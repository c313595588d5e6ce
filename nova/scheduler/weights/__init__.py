"""Weighers: order the hosts that passed the filters, best first.

Each :class:`BaseWeigher` gives every host a raw value; values are
normalized to [0, 1] over the candidate hosts, multiplied by the weigher's
multiplier and summed.
"""

from nova import exception
from nova.i18n import _


class BaseWeigher:
    """Subclasses implement :meth:`weigh` and :meth:`multiplier`."""

    def weigh(self, host_state, spec):
        raise NotImplementedError()

    def multiplier(self):
        return 1.0


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
    if hosts:
        for weigher in weighers:
            normalized = _normalize([weigher.weigh(h, spec) for h in hosts])
            mult = weigher.multiplier()
            totals = [t + mult * n for t, n in zip(totals, normalized)]
    weighed = [WeighedHost(h, w) for h, w in zip(hosts, totals)]
    return sorted(weighed, key=lambda wh: -wh.weight)


def all_weighers():
    from nova.scheduler.weights import ram
    return {cls.__name__: cls for cls in (ram.RAMWeigher,)}


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
