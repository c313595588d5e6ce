"""BuildFailureWeigher: put hosts that failed builds lately last (the
default multiplier is large and negative).

The count is the host state's ``failed_builds``; computes do not report
it yet, so today every host weighs the same."""

from nova.scheduler import weights


class BuildFailureWeigher(weights.BaseWeigher):

    option = 'build_failure_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.failed_builds
