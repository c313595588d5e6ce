"""The network service nova-compute plugs instances into.

``nova.network.API()`` returns the configured implementation; today the
local flat network (:mod:`nova.network.flat`), which stands in where
there is no Neutron.
"""


def API():
    from nova.network import flat
    return flat.FlatNetworkAPI()
