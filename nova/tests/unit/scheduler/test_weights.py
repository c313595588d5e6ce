"""Weighers order hosts; the multiplier flips spreading to stacking."""

import types

import nova.conf
from nova.scheduler import weights

CONF = nova.conf.CONF


def _hosts():
    return [types.SimpleNamespace(host=name, free_ram_mb=ram)
            for name, ram in (('small', 512), ('big', 8192), ('mid', 2048))]


def test_ram_weigher_prefers_most_free_ram():
    weighed = weights.weigh_hosts(weights.load_weighers(['RAMWeigher']),
                                  _hosts(), None)
    assert [w.host.host for w in weighed] == ['big', 'mid', 'small']


def test_negative_multiplier_stacks():
    CONF.set_override('ram_weight_multiplier', -1.0,
                      group='filter_scheduler')
    try:
        weighed = weights.weigh_hosts(
            weights.load_weighers(['RAMWeigher']), _hosts(), None)
    finally:
        CONF.clear_override('ram_weight_multiplier',
                            group='filter_scheduler')
    assert [w.host.host for w in weighed] == ['small', 'mid', 'big']
