"""HypervisorVersionWeigher: prefer hosts with the newest hypervisor
(negative multiplier: the oldest)."""

from nova.scheduler import weights


class HypervisorVersionWeigher(weights.BaseWeigher):

    option = 'hypervisor_version_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.hypervisor_version
