"""RAMWeigher: prefer the host with the most free memory (spread), or
with a negative multiplier the least (stack)."""

from nova.scheduler import weights


class RAMWeigher(weights.BaseWeigher):

    option = 'ram_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.free_ram_mb
