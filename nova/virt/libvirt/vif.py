"""Guest NICs from the network info's VIFs.

Only VIFs of type ``bridge`` (a Linux bridge) are supported: libvirt
creates the tap named by the VIF's ``devname`` and enslaves it to the
bridge, and removes it when the guest stops, so there is nothing to unplug.

When the bridge does not exist on this host it is created and set up
(``[libvirt] create_missing_bridges``, the default), because a flat
network's bridge is per host and the first guest is the first user. With
the option off the NIC is left out with a warning, so the guest still
boots, without that network.
"""

import subprocess
import threading

from oslo_log import log as logging

from nova import exception
from nova.virt.libvirt import config

LOG = logging.getLogger(__name__)

_bridge_lock = threading.Lock()


def bridge_exists(name):
    return subprocess.run(['ip', 'link', 'show', 'dev', name],
                          check=False, capture_output=True).returncode == 0


def ensure_bridge(name):
    """Create the Linux bridge ``name`` and set it up, unless it exists."""
    with _bridge_lock:
        if bridge_exists(name):
            return
        LOG.info('Creating the Linux bridge %s', name)
        for cmd in (['ip', 'link', 'add', name, 'type', 'bridge'],
                    ['ip', 'link', 'set', name, 'up']):
            proc = subprocess.run(cmd, check=False, capture_output=True,
                                  text=True)
            if proc.returncode != 0:
                raise exception.InstanceSpawnFailure(
                    reason=f'cannot create the bridge {name}: '
                           f'{proc.stderr.strip()}')


def interfaces_for(network_info, create_missing_bridges=True):
    """The :class:`config.GuestInterface` of each VIF that can be
    plugged; raises ``InstanceSpawnFailure`` for a VIF that cannot."""
    interfaces = []
    for vif in network_info or []:
        vif_type = vif.get('type')
        bridge = (vif.get('network') or {}).get('bridge')
        if vif_type != 'bridge' or not bridge:
            raise exception.InstanceSpawnFailure(
                reason='VIF {} has type {!r} and bridge {!r}; this driver '
                       'plugs only VIFs of type "bridge" that name their '
                       'bridge'.format(vif.get('id'), vif_type, bridge))
        if not bridge_exists(bridge):
            if not create_missing_bridges:
                LOG.warning('Bridge %s does not exist on this host: the '
                            'guest gets no NIC for VIF %s', bridge,
                            vif.get('id'))
                continue
            ensure_bridge(bridge)
        interfaces.append(config.GuestInterface(
            bridge=bridge, mac=vif['address'],
            target_dev=vif.get('devname')))
    return interfaces
