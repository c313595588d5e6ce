"""NumInstancesWeigher: weigh hosts by how many instances they run
(negative multiplier: prefer emptier hosts; positive: pack)."""

from nova.scheduler import weights


class NumInstancesWeigher(weights.BaseWeigher):

    option = 'num_instances_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.num_instances
