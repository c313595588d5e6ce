"""CPUWeigher: prefer the host with the most free VCPUs (spread), or with
a negative multiplier the fewest (stack)."""

from nova.scheduler import weights


class CPUWeigher(weights.BaseWeigher):

    option = 'cpu_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.free_vcpus
