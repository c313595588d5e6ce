"""RAMWeigher: prefer the host with the most free memory (spread), or
with a negative multiplier the least (stack)."""

import nova.conf
from nova.scheduler import weights

CONF = nova.conf.CONF


class RAMWeigher(weights.BaseWeigher):

    def weigh(self, host_state, spec):
        return host_state.free_ram_mb

    def multiplier(self):
        return CONF.filter_scheduler.ram_weight_multiplier
