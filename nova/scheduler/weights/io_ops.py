"""IoOpsWeigher: weigh hosts by their I/O heavy operations under way
(the negative default multiplier prefers quiet hosts)."""

from nova.scheduler import weights


class IoOpsWeigher(weights.BaseWeigher):

    option = 'io_ops_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.num_io_ops
