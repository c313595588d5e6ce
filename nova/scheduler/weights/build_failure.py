"""BuildFailureWeigher: put hosts that failed builds lately last (the
default multiplier is large and negative).

The count is the host state's ``failed_builds``: the builds that failed
in a row on that node, for reasons of the host (not the request's own
errors nor a server group's late check), as its compute saves them in the
node's ``stats``; one successful build there sets it back to 0."""

from nova.scheduler import weights


class BuildFailureWeigher(weights.BaseWeigher):

    option = 'build_failure_weight_multiplier'

    def weigh(self, host_state, spec):
        return host_state.failed_builds
