"""Default policy rules of the Compute API, one module per resource.

``list_rules()`` is the ``oslo.policy.policies`` entry point.
"""

import itertools

from nova.policies import base, flavors, images, instance_actions, keypairs, servers


def list_rules():
    return list(itertools.chain(
        base.list_rules(),
        flavors.list_rules(),
        images.list_rules(),
        instance_actions.list_rules(),
        keypairs.list_rules(),
        servers.list_rules(),
    ))
