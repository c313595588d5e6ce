"""DiskWeigher: prefer the host with the most free disk (spread), or with
a negative multiplier the least (stack)."""

from nova.scheduler import weights


class DiskWeigher(weights.BaseWeigher):

    option = 'disk_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.free_disk_gb
